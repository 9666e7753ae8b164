"""Errors the repositories raise, so callers need not catch SQLAlchemy's."""

from __future__ import annotations


class StorageError(Exception):
    pass


class NotFoundError(StorageError, LookupError):
    """No such row in this community.

    Raised as well when the row exists but belongs to another community: from one
    community's point of view the two cases must look the same.
    """
