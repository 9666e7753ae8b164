"""Schedules: when rounds open, remind and close, in real time or on a simulated clock.

Pure Python over APScheduler 3 triggers; no Discord, no database. See ``cadence`` for
what a schedule means, ``catchup`` for restarts, ``runner`` for running jobs.
"""
