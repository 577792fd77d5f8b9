"""Domain exceptions carrying a message a person can act on and a stable code that machines can rely on.

Pages and the API map them the same way (`common.middleware` for pages, `api.errors` for the API): the HTTP status
comes from the class, the code from the raise, so a refusal reads alike whichever interface asked.
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; the message says why and what would be right."""

    status = 422
    code = "refused"

    def __init__(self, message: str = "", *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self)


class PermissionDenied(DomainError):
    """The user's role or units do not allow this."""

    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    """No such record among those the user may see (another unit's record is not found, not forbidden)."""

    status = 404
    code = "not_found"


class ConcurrentEdit(DomainError):
    """Someone else changed the record since it was read; reload and apply the change again."""

    status = 409
    code = "concurrent_edit"
