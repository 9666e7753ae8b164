"""Buttons, selects and forms members use to answer rounds.

Every one of them is a ``discord.ui.DynamicItem`` whose custom id carries all it needs
(the round, and in the survey the answers picked so far), so a click is handled by
whichever process is running when it arrives: the one that posted the round, a
restarted one, or the same one after a dropped gateway connection. ``DYNAMIC_ITEMS``
(views.rounds) lists the classes the bot registers at start.
"""
