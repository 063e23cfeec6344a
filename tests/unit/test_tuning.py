"""The tuning package: patches go in only at the versions they were verified with, none with
EQUEUE_TUNING=off, and each one says what it relies on."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest
from engineio.async_socket import AsyncSocket
from nicegui import app, helpers

from equeue_ui import tuning
from equeue_ui.settings import Settings
from equeue_ui.tuning import engineio_poll, frame_fanout, signature_cache, stack
from equeue_ui.tuning.patch import Fallback

README = Path(tuning.__file__).with_name("README.md")
SECRET = "tuning-test-secret-" + "t" * 32


@pytest.fixture(autouse=True)
def stock_afterwards() -> Iterator[None]:
    """Whatever a test installs is taken out again (other tests set the app up themselves)."""
    yield
    tuning.uninstall_all()


def settings(**values: object) -> Settings:
    return Settings(secret=SECRET, **values)  # type: ignore[arg-type]


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


def test_every_patch_was_verified_with_the_installed_versions() -> None:
    """Fails after an upgrade of a library a patch reaches into: re-verify it (README.md)."""
    stale = {patch.name: patch.mismatches() for patch in tuning.PATCHES if patch.mismatches()}
    assert not stale, f"re-verify these patches (equeue_ui/tuning/README.md): {stale}"


def test_at_the_verified_versions_every_patch_is_installed(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="equeue_ui.tuning")

    done = tuning.install_all(settings())

    assert done == [patch.name for patch in tuning.PATCHES]
    assert all(tuning.installed().values()), tuning.installed()
    assert AsyncSocket.poll is engineio_poll.poll  # type: ignore[comparison-overlap]
    assert AsyncSocket._websocket_handler is frame_fanout._websocket_handler  # type: ignore[comparison-overlap]
    assert helpers.expects_arguments is signature_cache.cached_expects_arguments
    assert warnings_of(caplog) == []


def test_with_tuning_off_nothing_is_installed_and_an_earlier_setup_is_undone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    tuning.install_all(settings())
    caplog.set_level(logging.INFO, logger="equeue_ui.tuning")

    done = tuning.install_all(settings(tuning=False))

    assert done == []
    assert not any(tuning.installed().values()), tuning.installed()
    assert AsyncSocket.poll is engineio_poll.ENGINEIO_POLL
    assert AsyncSocket._websocket_handler is frame_fanout.ENGINEIO_WEBSOCKET_HANDLER
    assert helpers.expects_arguments is signature_cache._original
    assert "build_middleware_stack" not in vars(app)
    assert warnings_of(caplog) == []
    assert any("EQUEUE_TUNING=off" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("value", ["off", "false", "0"])
def test_equeue_tuning_off_in_the_environment_turns_tuning_off(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("EQUEUE_TUNING", value)
    assert settings().tuning is False


def test_tuning_is_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("EQUEUE_TUNING", raising=False)
    assert settings().tuning is True


def test_a_patch_whose_library_has_another_version_stays_out_with_one_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_version = metadata.version

    def upgraded(distribution: str) -> str:
        return "99.0.0" if distribution == "python-engineio" else real_version(distribution)

    monkeypatch.setattr(metadata, "version", upgraded)
    caplog.set_level(logging.INFO, logger="equeue_ui.tuning")

    done = tuning.install_all(settings())

    skipped = [p.name for p in tuning.PATCHES if "python-engineio" in p.verified]
    assert skipped == [
        "engineio_poll",
        "frame_fanout",
        "open_page_memory",
        "closed_sockets",
        "ping_timers",
        "socket_reader",
        "light_waits",
    ]
    assert done == [p.name for p in tuning.PATCHES if p.name not in skipped]
    assert AsyncSocket.poll is engineio_poll.ENGINEIO_POLL  # engine.io's own
    assert helpers.expects_arguments is signature_cache.cached_expects_arguments
    warned = warnings_of(caplog)
    assert len(warned) == len(skipped)
    for name, message in zip(skipped, warned, strict=True):
        patch = tuning.PATCHES[[p.name for p in tuning.PATCHES].index(name)]
        assert f"tuning patch {name} not installed" in message
        if set(patch.needs) & set(skipped):  # said first: it builds on one left out
            assert "it builds on frame_fanout, which is not" in message
            continue
        assert f"python-engineio {patch.verified['python-engineio']}" in message
        assert "python-engineio 99.0.0" in message


def test_patches_that_build_on_the_stack_hook_stay_out_without_it(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    real_version = metadata.version
    monkeypatch.setattr(metadata, "version", lambda d: "0.1" if d == "fastapi" else real_version(d))

    done = tuning.install_all(settings())

    assert not {"stack", "socket_shortcut", "light_middleware"} & set(done)
    assert "build_middleware_stack" not in vars(app)
    assert sum("builds on stack" in message for message in warnings_of(caplog)) == 2


def test_a_patch_that_fails_to_install_stays_out_and_the_others_go_in(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise AttributeError("no such internal")

    monkeypatch.setattr(
        tuning, "PATCHES", tuple(
            p if p.name != "signature_cache" else type(p)(**{**vars(p), "install": broken})
            for p in tuning.PATCHES
        ),
    )  # fmt: skip

    done = tuning.install_all(settings())

    assert "signature_cache" not in done and "engineio_poll" in done
    assert helpers.expects_arguments is signature_cache._original
    assert any("signature_cache failed to install" in m for m in warnings_of(caplog))


def test_a_fallback_is_logged_once_however_often_it_happens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fallback = Fallback("example")
    for _ in range(3):
        fallback.note(KeyError("gone"))

    assert fallback.count == 3
    assert warnings_of(caplog) == [
        "tuning patch example failed (KeyError: 'gone'); the stock path ran instead, and will "
        "whenever it fails again (logged once)"
    ]


def test_the_readme_lists_every_patch_with_its_verified_versions_and_what_it_relies_on() -> None:
    text = README.read_text(encoding="utf-8")
    for patch in tuning.PATCHES:
        assert f"`{patch.name}`" in text, patch.name
        for distribution, version in patch.verified.items():
            assert f"{distribution} {version}" in text, (patch.name, distribution)
        assert patch.relies_on, patch.name


# What only the tuning package may touch: the internals its patches replace or read.
TUNING_ONLY = (
    "build_middleware_stack",
    "user_middleware",
    "_websocket_handler",
    "AsyncSocket",
    "expects_arguments",
    "_connect_handlers",
    "_enqueue_event",
    "basic_disconnect",
    "_socket_to_document_id",
    "_pinned_tab_id",
    "client._request",
    "nicegui.middlewares",
    "wsproto",
    '"test-"',
)


def test_nothing_outside_the_tuning_package_touches_the_internals_it_patches() -> None:
    """DESIGN.md, Tuning: nothing else reads private attributes of NiceGUI, engine.io, uvicorn
    or Starlette (and no production code knows NiceGUI's simulated users' socket ids)."""
    root = Path(tuning.__file__).parents[2]
    offenders = [
        f"{path.relative_to(root)}: {symbol}"
        for folder in ("equeue_ui", "pages", "components", "db")
        for path in sorted((root / folder).rglob("*.py"))
        if path.parent.name != "tuning"
        for symbol in TUNING_ONLY
        if symbol in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
    assert stack.PATCH.relies_on
