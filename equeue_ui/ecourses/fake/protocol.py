"""Moodle's wire conventions as the fake server needs them: PHP bracket-decoding of form
fields and the two HTTP-200 error bodies."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from starlette.responses import JSONResponse

_PART = re.compile(r"\[([^\]]*)\]")


def bracket_decode(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """``courseids[0]=2&courseids[1]=5`` → ``{"courseids": {"0": "2", "1": "5"}}``, then every
    dict whose keys are 0..n-1 becomes a list, as PHP's arrays do for the web services."""
    root: dict[str, Any] = {}
    for name, value in items:
        head, _, rest = name.partition("[")
        keys = [head, *_PART.findall("[" + rest)] if rest else [head]
        node = root
        for key in keys[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[keys[-1]] = value
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        indexes = sorted(int(key) for key in converted)
        if indexes == list(range(len(indexes))):
            return [converted[str(i)] for i in indexes]
    return converted


def token_error(code: str, text: str) -> JSONResponse:
    """`login/token.php`'s failure: still HTTP 200."""
    return JSONResponse(
        {
            "error": text,
            "errorcode": code,
            "stacktrace": None,
            "debuginfo": None,
            "reproductionlink": None,
        }
    )


class WsException(Exception):
    """A web-service function's failure, answered by `server.php` with HTTP 200."""

    def __init__(self, exception: str, code: str, message: str) -> None:
        super().__init__(message)
        self.exception, self.code, self.message = exception, code, message

    def response(self) -> JSONResponse:
        return JSONResponse(
            {"exception": self.exception, "errorcode": self.code, "message": self.message}
        )


def invalid_token() -> WsException:
    return WsException("moodle_exception", "invalidtoken", "Неверный токен - токен не найден")


def access_exception() -> WsException:
    return WsException(
        "webservice_access_exception", "accessexception", "Исключение контроля доступа"
    )


def invalid_parameter(detail: str) -> WsException:
    return WsException(
        "invalid_parameter_exception",
        "invalidparameter",
        f"Обнаружено недопустимое значение параметра ({detail})",
    )


def maintenance() -> WsException:
    return WsException(
        "moodle_exception",
        "sitemaintenance",
        "Сайт находится в режиме технического обслуживания и сейчас недоступен",
    )


def service_not_available() -> WsException:
    return WsException("moodle_exception", "servicenotavailable", "Веб-служба недоступна")
