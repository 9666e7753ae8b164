"""A community's privacy settings: whether its rounds are anonymous, how many answers a
round needs before it shows any figure, and how long a survey may be.

These settings are promises made by the rounds still to come: a round stores the
anonymity and minimum in force when it opens (``Round.min_respondents``), so nothing
changed here reaches a round already open or closed.

Decisions worth knowing:

* **An anonymous community never chooses a minimum under the floor** (``ANONYMOUS_FLOOR``
  in ``domain/privacy.py``): asking for one is refused with a sentence saying why. A named
  community may go down to 1, since its answers are stored with names anyway.
* **Switching to anonymous raises a lower minimum to the floor** rather than refusing:
  the coordinator asked for the stronger promise, and the next round would be raised
  to the floor when it opens anyway (``round_minimum``); raising the stored setting
  keeps what the settings say and what the next round promises the same. The result
  says what was raised, so the reply can tell the coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass

from vitalitybot.domain.privacy import (
    ANONYMOUS_FLOOR,
    MAX_MIN_RESPONDENTS,
    lowest_minimum,
    round_minimum,
)
from vitalitybot.domain.records import Community
from vitalitybot.services.app import Services, community_by_id
from vitalitybot.services.errors import InvalidSetting
from vitalitybot.storage import Repositories
from vitalitybot.storage.communities import UNSET

MAX_ITEMS_LIMIT = 25  # a survey page of menus; fewer keeps it light


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """What the community's next round will promise, and what a change just did."""

    community: Community
    raised_from: int | None = None  # the minimum before switching to anonymous raised it

    @property
    def next_minimum(self) -> int:
        """The fewest answers the next round will need before showing any figure."""
        return round_minimum(self.community.anonymous, self.community.min_respondents)


def check_minimum(anonymous: bool, minimum: int) -> None:
    """Refuse a minimum number of respondents the community may not choose."""
    if anonymous and minimum < ANONYMOUS_FLOOR:
        raise InvalidSetting(
            f"Anonymous rounds need at least {ANONYMOUS_FLOOR} answers before showing any "
            f"figure: with {minimum}, a figure could be one person's answer."
        )
    floor = lowest_minimum(anonymous)
    if not floor <= minimum <= MAX_MIN_RESPONDENTS:
        raise InvalidSetting(
            f"The minimum number of respondents is between {floor} and "
            f"{MAX_MIN_RESPONDENTS}; got {minimum}."
        )


def check_max_items(max_items: int) -> None:
    if not 1 <= max_items <= MAX_ITEMS_LIMIT:
        raise InvalidSetting(
            f"A survey asks between 1 and {MAX_ITEMS_LIMIT} questions; fewer keeps it light."
        )


async def privacy_settings(svc: Services, community_id: int) -> PrivacySettings:
    """The settings as they stand, for ``/vitality privacy`` without options."""
    async with svc.repos() as repos:
        return PrivacySettings(await community_by_id(repos, community_id))


async def set_privacy(
    svc: Services,
    community_id: int,
    *,
    anonymous: bool | None = None,
    min_respondents: int | None = None,
    max_items: int | None = None,
) -> PrivacySettings:
    """Change the settings given (None leaves one as it is); they apply to later rounds."""
    async with svc.repos() as repos:
        community = await community_by_id(repos, community_id)
        return await apply_privacy(
            repos,
            community,
            anonymous=anonymous,
            min_respondents=min_respondents,
            max_items=max_items,
        )


async def apply_privacy(
    repos: Repositories,
    community: Community,
    *,
    anonymous: bool | None = None,
    min_respondents: int | None = None,
    max_items: int | None = None,
) -> PrivacySettings:
    """``set_privacy`` inside a transaction the caller holds (module docstring)."""
    becomes_anonymous = community.anonymous if anonymous is None else anonymous
    raised_from = None
    if min_respondents is not None:
        check_minimum(becomes_anonymous, min_respondents)
    elif community.min_respondents < lowest_minimum(becomes_anonymous):
        raised_from = community.min_respondents
        min_respondents = lowest_minimum(becomes_anonymous)
    if max_items is not None:
        check_max_items(max_items)
    changed = await repos.communities.update_settings(
        community.id,
        anonymous=UNSET if anonymous is None else anonymous,
        min_respondents=UNSET if min_respondents is None else min_respondents,
        max_items=UNSET if max_items is None else max_items,
    )
    return PrivacySettings(changed, raised_from)
