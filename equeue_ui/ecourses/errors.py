"""Typed errors for everything eCourses can answer, each with a message the user understands.

Moodle reports failures with HTTP 200 and a JSON body, so the code in that body (``errorcode``)
decides the error, not the HTTP status.
"""

from __future__ import annotations

from equeue_ui.errors import DomainError
from equeue_ui.i18n import Msg, msg


class EcoursesError(DomainError):
    """eCourses refused the request for a reason this app has no special message for."""

    default = msg("eCourses refused the request.")

    def __init__(self, message: Msg | None = None, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class EcoursesInvalidLogin(EcoursesError):
    default = msg("Wrong eCourses username or password.")


class EcoursesTokenExpired(EcoursesError):
    """The stored token is unknown or expired: the user has to sign in with eCourses again."""

    default = msg("Your eCourses sign-in has expired. Sign in with eCourses again.")


class EcoursesServiceUnavailable(EcoursesError):
    default = msg(
        "eCourses does not let apps sign in right now (its mobile web service is switched off)."
    )


class EcoursesAccessDenied(EcoursesError):
    default = msg("eCourses refused access to this information.")


class EcoursesMaintenance(EcoursesError):
    default = msg("eCourses is under maintenance. Try again later.")


class EcoursesAccountProblem(EcoursesError):
    """The account exists but cannot sign in by password now (unconfirmed, password expired…)."""

    default = msg("Your eCourses account cannot sign in right now. Sign in on the eCourses site.")


class EcoursesUnreachable(EcoursesError):
    default = msg("eCourses cannot be reached right now. Try again later.")


class EcoursesTimeout(EcoursesError):
    default = msg("eCourses did not answer in time. Try again later.")


class EcoursesBadAnswer(EcoursesError):
    default = msg("eCourses gave an answer this app cannot read. Try again later.")


class EcoursesXmlAnswer(EcoursesBadAnswer):
    """The REST server answered in XML: its protocol is set up to answer XML, not JSON."""

    default = msg(
        "eCourses answered in XML instead of JSON, which this app cannot read. "
        "Tell the site administrator: eCourses' REST web service must answer in JSON."
    )


class EcoursesWebPageAnswer(EcoursesBadAnswer):
    """A web page came back instead of data: a proxy or a sign-in page is in the way."""

    default = msg(
        "eCourses answered with a web page instead of data (a proxy or a sign-in page may be "
        "in the way). Check the eCourses address in the site settings."
    )


# errorcode → error class, for both token.php ("error") and server.php ("exception") bodies.
_BY_CODE: dict[str, type[EcoursesError]] = {
    "invalidlogin": EcoursesInvalidLogin,
    "noguest": EcoursesInvalidLogin,
    "invalidtoken": EcoursesTokenExpired,
    "servicenotavailable": EcoursesServiceUnavailable,
    "enablewsdescription": EcoursesServiceUnavailable,
    "accessexception": EcoursesAccessDenied,
    "nopermissions": EcoursesAccessDenied,
    "requireloginerror": EcoursesAccessDenied,
    "usernotallowed": EcoursesAccessDenied,
    "sitemaintenance": EcoursesMaintenance,
    "usernotconfirmed": EcoursesAccountProblem,
    "passwordisexpired": EcoursesAccountProblem,
    "forcepasswordchangenotice": EcoursesAccountProblem,
    "restoredaccountresetpassword": EcoursesAccountProblem,
    "cannotcreatetoken": EcoursesAccountProblem,
}


def from_code(code: str) -> EcoursesError:
    kind = _BY_CODE.get(code, EcoursesError)
    if kind is EcoursesError:
        return EcoursesError(msg("eCourses refused the request ({code}).", code=code), code=code)
    return kind(code=code)
