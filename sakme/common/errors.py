"""Domain exceptions carrying a message a person can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; the message says why and what would be right."""


class PermissionDenied(DomainError):
    """The user's role or units do not allow this."""


class ConcurrentEdit(DomainError):
    """Someone else changed the record since it was read; reload and apply the change again."""
