"""The simulator's edges: a channel that prints, and a member list that is synthetic.

``ConsoleNotifier`` implements the services' ``Notifier`` port by printing each post as
the terminal renders it (``render.terminal.to_terminal``, so it reads as Discord would
show it), headed by its simulated local date, and keeping a record of it. How much of
each post is printed is the ``Detail``: the story shows each kind of post once in full
and then one line per post in the bot's own opening words, so a year reads in a few
screens (results only ever in one line: their figures are the closing table's). A post
in one line still shows, beneath it, each of its lines that quotes something the
community committed to (``follow``): the story is what came of those commitments, told in
the posts' own words ("you said, we did" in a round's opening, a sign's before and after
in its results, a replant's reason). A commitment's words are quoted whole: a suggestion
listing the step it was drawn from is no news of it.

What coordinators do between posts (commit to a step, mark one done) is told in the
same timeline by ``tell``: it is not a post, so it is not recorded as one.

Members "read the channel" through listeners: when a round opens or a reminder goes out,
the synthetic community hears of it and decides who answers, the way people react to a
post. Readers hear of every other post (coordinators read what a close posted).

``SyntheticDirectory`` answers as the bot's ``DiscordMemberDirectory`` would: without the
Server Members intent it knows nobody, so rounds carry no member count, results give no
rate and no reminder DMs go out, exactly as on a default bot.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Protocol, TextIO
from zoneinfo import ZoneInfo

from vitalitybot.domain.records import Community, Question, Round, RoundKind, Server
from vitalitybot.render.message import Message
from vitalitybot.render.terminal import to_terminal
from vitalitybot.scheduling.clock import Clock
from vitalitybot.services.ports import PostRef
from vitalitybot.simulate.community import SyntheticCommunity

WIDTH = 80
# How many sentences of a post's opening paragraph its one-line form keeps: results say
# how many answered and whether anything crossed; the rest need only their first.
_GIST_SENTENCES = {"results": 2}
_UNWRAPPED = 10_000
_LIST_MARK = re.compile(r"^(?:[-*•]|\d+[.)])\s+")
_KIND_NAMES = {RoundKind.CHECKIN: "check-in", RoundKind.SURVEY: "survey"}


@dataclass(frozen=True, slots=True)
class SimPost:
    """One post the bot made, as members would have seen it."""

    at: datetime  # UTC
    kind: str  # "round", "reminder", "results", "harvest", "suggestion:remedy", ...
    round_id: int | None
    round_kind: RoundKind | None
    message: Message
    text: str  # as the terminal shows it
    member_ids: tuple[int, ...] = ()  # who a reminder went to


class Detail(Enum):
    """How much of each post the run prints."""

    STORY = "story"  # each kind of post once in full, then a line each in plain words
    QUIET = "quiet"  # a heading per post; only suggestions in full
    VERBOSE = "verbose"  # every post in full


class ChannelListener(Protocol):
    async def round_opened(self, round: Round, questions: Sequence[Question]) -> None: ...

    async def reminded(self, round: Round, member_ids: Sequence[int]) -> None: ...


class PostReader(Protocol):
    async def posted(self, post: SimPost) -> None: ...


@dataclass
class ConsoleNotifier:
    """Prints every post, in order, with its simulated local date; records them all."""

    clock: Clock
    timezone: str
    out: TextIO | None = None  # None: whatever sys.stdout is when a post is made
    width: int = WIDTH
    detail: Detail = Detail.STORY
    posts: list[SimPost] = field(default_factory=list)
    listeners: list[ChannelListener] = field(default_factory=list)
    readers: list[PostReader] = field(default_factory=list)
    closed_posts: list[int] = field(default_factory=list)  # rounds whose post was edited shut
    _next_id: int = 7_000_000_000_000_000_000
    _seen: set[str] = field(default_factory=set)  # what the story has shown in full
    _followed: set[str] = field(default_factory=set)  # casefolded words the story follows

    async def open_round(
        self,
        community: Community,
        round: Round,
        questions: Sequence[Question],
        message: Message,
        *,
        nonce: str | None = None,
    ) -> PostRef | None:
        self._show("round", round, message)
        for listener in self.listeners:
            await listener.round_opened(round, questions)
        self._next_id += 2
        return PostRef(community.channel_id, self._next_id, self._next_id + 1)

    async def post(
        self,
        community: Community,
        message: Message,
        *,
        round: Round | None,
        kind: str,
        nonce: str | None = None,
    ) -> int | None:
        self._show(kind, round, message)
        for reader in self.readers:
            await reader.posted(self.posts[-1])
        self._next_id += 1
        return self._next_id

    async def close_round_post(self, community: Community, round: Round, message: Message) -> None:
        """Kept, not printed: the results that follow say the round closed."""
        self.closed_posts.append(round.id)

    async def remind(
        self, community: Community, round: Round, member_ids: Sequence[int], message: Message
    ) -> None:
        self._show("reminder", round, message, tuple(member_ids))
        for listener in self.listeners:
            await listener.reminded(round, member_ids)

    async def post_digest(
        self, server: Server, message: Message, *, nonce: str | None = None
    ) -> int | None:
        self._show("digest", None, message)
        self._next_id += 1
        return self._next_id

    def tell(self, line: str) -> None:
        """Tell something that happened in the community, under the simulated date."""
        out = self.out if self.out is not None else sys.stdout
        print(f"{local_date(self.clock.now(), self.timezone)} · {line}", file=out)

    def follow(self, words: str) -> None:
        """From now on, show beneath a post's one line each of its lines quoting ``words``."""
        self._followed.add(words.casefold())

    def of(self, kind: str) -> list[SimPost]:
        """Posts of one kind ("suggestion" matches every suggestion kind)."""
        return [p for p in self.posts if p.kind == kind or p.kind.startswith(kind + ":")]

    def _show(
        self, kind: str, round_: Round | None, message: Message, members: tuple[int, ...] = ()
    ) -> None:
        text = to_terminal(message, width=self.width, timezone=self.timezone)
        post = SimPost(
            at=self.clock.now(),
            kind=kind,
            round_id=round_.id if round_ is not None else None,
            round_kind=round_.kind if round_ is not None else None,
            message=message,
            text=text,
            member_ids=members,
        )
        self.posts.append(post)
        out = self.out if self.out is not None else sys.stdout
        heading = f"{local_date(post.at, self.timezone)} · {describe(post)}"
        if not self._in_full(post):
            if self.detail is not Detail.STORY:
                print(heading, file=out)
                return
            words = gist(post, self.timezone)
            print(f"{heading}: {words}".rstrip(": "), file=out)
            for line in quoting(message, self._followed):
                if line not in words:
                    print(f"    {line}", file=out)
            return
        if self.detail is Detail.STORY:
            heading += "  (as members see it; later ones in one line)"
        print(f"\n{'═' * self.width}\n{heading}\n{'─' * self.width}", file=out)
        print(text, end="", file=out)
        for attachment in message.files:
            print(f"[attached: {attachment.filename}, {len(attachment.data):,} bytes]", file=out)

    def _in_full(self, post: SimPost) -> bool:
        if self.detail is Detail.VERBOSE:
            return True
        if self.detail is Detail.QUIET:
            return post.kind.startswith("suggestion")
        if post.kind == "results":
            return False  # its body is the figures the closing table shows, plainer
        # A check-in's card and a survey's differ; every other kind reads alike each time.
        shape = f"{post.kind}:{post.round_kind}" if post.kind == "round" else post.kind
        if shape in self._seen:
            return False
        self._seen.add(shape)
        return True


def gist(post: SimPost, timezone: str) -> str:
    """The opening words of a post on one line, what a member reads before scrolling (a
    suggestion's sign first, since that is what it is about)."""
    embed = post.message.embeds[0] if post.message.embeds else None
    text = embed.description if embed is not None else post.message.content
    # Markup undone and times written out, as the full post shows them.
    plain = to_terminal(Message(content=text), width=_UNWRAPPED, timezone=timezone)
    paragraph = " ".join(plain.strip().split("\n\n", 1)[0].split())
    kept = ". ".join(paragraph.split(". ")[: _GIST_SENTENCES.get(post.kind, 1)]).rstrip(".")
    words = f"{kept}." if kept else ""
    if post.kind.startswith("suggestion") and embed is not None and embed.title:
        return f"{embed.title}. {words}".strip()
    return words


def quoting(message: Message, words: Collection[str]) -> list[str]:
    """The lines of a post, unwrapped, that contain any of ``words`` (casefolded); a
    line saying again what one before it said (a prompt listed, then asked) once."""
    if not words:
        return []
    plain = to_terminal(message, width=_UNWRAPPED)
    found: dict[str, str] = {}  # by the words, without a list's number or bullet
    for line in (" ".join(line.split()) for line in plain.splitlines()):
        if any(w in line.casefold() for w in words):
            found.setdefault(_LIST_MARK.sub("", line), line)
    return list(found.values())


def local_date(moment: datetime, timezone: str) -> str:
    """ "Tue 20 Jan 2026, 10:00": the simulated date as the community's members live it."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M}"


def describe(post: SimPost) -> str:
    round_name = _KIND_NAMES.get(post.round_kind, "round") if post.round_kind else "round"
    if post.kind == "round":
        return f"{round_name} opens"
    if post.kind == "reminder":
        people = "member" if len(post.member_ids) == 1 else "members"
        return f"{round_name} reminder DM to {len(post.member_ids)} {people}"
    if post.kind == "results":
        return f"{round_name} results"
    if post.kind == "harvest":
        return "check-in harvest"
    if post.kind.startswith("suggestion:"):
        return f"SUGGESTION ({post.kind.split(':', 1)[1]})"
    return post.kind


@dataclass
class SyntheticDirectory:
    """The ``MemberDirectory`` over the synthetic community: everyone with the members
    intent, nobody without it (as ``DiscordMemberDirectory`` answers)."""

    community: SyntheticCommunity
    members_intent: bool = False

    async def eligible_members(self, community: Community) -> list[int]:
        return self.community.member_ids if self.members_intent else []
