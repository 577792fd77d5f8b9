"""The questions of a survey version as data, and the answers given to them: checking a shipped file's questions, and
each answer against its question, with what would be right (pure Python, no database)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from sakme.common.errors import DomainError
from sakme.common.languages import in_language
from sakme.surveys.models import QuestionKind

YES, NO = "yes", "no"


def question_text(question: dict[str, Any]) -> str:
    return in_language(question["text_ka"], question["text_en"])


def choice_text(choice: dict[str, Any]) -> str:
    return in_language(choice["text_ka"], choice["text_en"])


def questions_check(questions: Any, *, where: str) -> list[dict[str, Any]]:
    """A version's questions as the file gives them, or refused naming the file, the version and the question."""
    def refuse(message: str) -> DomainError:
        return DomainError(f"{where}: {message}", code="survey_file_invalid")

    if not isinstance(questions, list) or not questions:
        raise refuse(_("give the questions as a list of at least one."))
    seen: set[str] = set()
    for number, q in enumerate(questions, 1):
        if not isinstance(q, dict) or not all(isinstance(q.get(k), str) and q[k].strip()
                                              for k in ("code", "kind", "text_ka", "text_en")):
            raise refuse(_("question %(n)s needs a code, a kind, and its text in Georgian (text_ka) and English "
                           "(text_en).") % {"n": number})
        if q["code"] in seen:
            raise refuse(_("question code %(code)s is used twice.") % {"code": q["code"]})
        seen.add(q["code"])
        if q["kind"] not in QuestionKind.values:
            raise refuse(_("question %(code)s is of kind %(kind)s; the kinds are: %(known)s.")
                         % {"code": q["code"], "kind": q["kind"], "known": ", ".join(QuestionKind.values)})
        choices = q.get("choices")
        if q["kind"] == QuestionKind.CHOICE:
            codes = [c.get("code") for c in choices or [] if isinstance(c, dict)]
            if (not isinstance(choices, list) or len(choices) < 2 or len(set(codes)) != len(choices)
                    or not all(isinstance(c, dict) and c.get("text_ka") and c.get("text_en") for c in choices)):
                raise refuse(_("question %(code)s offers choices: give at least two, each with its own code and its "
                               "text in both languages.") % {"code": q["code"]})
        elif choices:
            raise refuse(_("question %(code)s is not a choice and offers none.") % {"code": q["code"]})
    return questions


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _scale(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= 5 else None
    if isinstance(value, str) and value.strip() in {"1", "2", "3", "4", "5"}:
        return int(value.strip())
    return None


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in (YES, NO):
        return value.strip().lower() == YES
    return None


def answers_clean(questions: list[dict[str, Any]], answers: Any) -> dict[str, Any]:
    """The answers as stored ({code: 1..5 | true/false | choice code}), or the first problem refused with the
    question's number and text and what would be right. A rating is 1 to 5 (a number, or its digit as text), yes/no
    is true/false (or "yes"/"no"), a choice is one of its codes; an optional question may be left out (or empty)."""
    if not isinstance(answers, dict):
        raise DomainError(_("Give the answers by question code."), code="survey_answer_invalid")
    known = {q["code"] for q in questions}
    unknown = sorted(str(code) for code in answers if code not in known)
    if unknown:
        raise DomainError(_("This survey has no question %(codes)s; its questions are: %(known)s.")
                          % {"codes": ", ".join(f"“{_shown(c)}”" for c in unknown),
                             "known": ", ".join(q["code"] for q in questions)}, code="survey_answer_unknown")
    cleaned: dict[str, Any] = {}
    for number, q in enumerate(questions, 1):
        value = answers.get(q["code"])
        named = {"n": number, "text": question_text(q)}
        if value is None or value == "":
            if q.get("optional"):
                continue
            raise DomainError(_("Answer question %(n)s (“%(text)s”).") % named, code="survey_answer_missing")
        if q["kind"] == QuestionKind.SCALE:
            rating = _scale(value)
            if rating is None:
                raise DomainError(_("Question %(n)s (“%(text)s”) takes a rating from 1 to 5, not “%(value)s”.")
                                  % {**named, "value": _shown(value)}, code="survey_answer_invalid")
            cleaned[q["code"]] = rating
        elif q["kind"] == QuestionKind.YES_NO:
            yes = _yes_no(value)
            if yes is None:
                raise DomainError(_("Question %(n)s (“%(text)s”) is answered yes or no, not “%(value)s”.")
                                  % {**named, "value": _shown(value)}, code="survey_answer_invalid")
            cleaned[q["code"]] = yes
        else:
            codes = [c["code"] for c in q["choices"]]
            if value not in codes:
                raise DomainError(_("Question %(n)s (“%(text)s”) takes one of %(codes)s, not “%(value)s”.")
                                  % {**named, "codes": ", ".join(codes), "value": _shown(value)},
                                  code="survey_answer_invalid")
            cleaned[q["code"]] = value
    return cleaned
