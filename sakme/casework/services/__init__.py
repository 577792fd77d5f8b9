"""Use cases of casework. Each is one service that takes ids and owns every rule: permission and unit, the case's
state (the workflow tables), the version the user saw (concurrent edits are refused, never lost), the transaction
and the audit event. Pages and the API parse, call one of these, and render.
"""

from sakme.casework.services.cases import (
    case_assign,
    case_open,
    case_register,
    case_transfer,
    case_transition,
)
from sakme.casework.services.group_sessions import group_session_attendance, group_session_hold
from sakme.casework.services.records import (
    follow_up_record,
    placement_record,
    plan_action_done,
    plan_write,
    session_record,
)
from sakme.casework.services.referrals import (
    candidate_decide,
    candidate_place,
    referral_create,
    referral_decide,
    shortlist_add,
    shortlist_send,
)
from sakme.casework.services.supported_employment import (
    adaptation_record,
    coaching_record,
    supported_employment_change,
    supported_employment_start,
)

__all__ = [
    "adaptation_record",
    "candidate_decide",
    "candidate_place",
    "case_assign",
    "case_open",
    "case_register",
    "case_transfer",
    "case_transition",
    "coaching_record",
    "follow_up_record",
    "group_session_attendance",
    "group_session_hold",
    "placement_record",
    "plan_action_done",
    "plan_write",
    "referral_create",
    "referral_decide",
    "session_record",
    "shortlist_add",
    "shortlist_send",
    "supported_employment_change",
    "supported_employment_start",
]
