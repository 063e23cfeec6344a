"""The classroom board, readable from the back of the room, fed live like every queue view."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import UTC, datetime
from urllib.parse import urlencode

import segno
from nicegui import ui

from components.i18n import _, _forms, language
from components.live import Changes
from components.queue_follow import follow_queue
from equeue_ui.errors import DomainError
from equeue_ui.events import DisplayLinkRevoked
from equeue_ui.live_transport import payload_json
from equeue_ui.services.boards import BoardInfo
from equeue_ui.services.presence import PresenceCode
from equeue_ui.services.views import QueueSnapshot


class BoardView(ui.element, component="board_view.js"):
    def __init__(self, snapshot: QueueSnapshot, *, info: BoardInfo, join_url: str) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.props["initial"] = payload_json(snapshot)
        self.props["queue-id"] = snapshot.queue_id
        self.props["subject"] = info.subject_name
        self.props["full-names"] = info.full_names
        self.props["pictures"] = info.pictures
        self.join_url = join_url
        self.show_code(None)
        self.props["short-link"] = join_url.split("://", 1)[-1]
        self.props["labels"] = {
            # Texts with a count come in all their plural forms: the language's rules (the
            # browser's Intl.PluralRules) pick one.
            "lang": language(),
            "open": _("open"),
            "paused": _("paused"),
            "closed": _("closed"),
            "serving": _("Now at the desk"),
            "next": _("Next"),
            "empty": _("Nobody is waiting."),
            "waiting": _forms("Waiting", "Waiting"),  # beside the number waiting
            # The numbers go in by the browser (components/board_view.js).
            "estimate": _("A newcomer waits about {low}–{high} min"),
            "next_now": _("A newcomer is called next"),
            "no_estimate": _("Not enough data for a wait estimate yet"),
            "join": _("Join the queue:"),
            "frozen": _("frozen"),
            "draw": _("in the draw"),
            "more": _forms("and {n} more", "and {n} more"),  # {n} goes in by the browser too
            "qr": _("QR code of the link to join the queue"),
            "code": _("Code to join"),
        }

    def show_code(self, shown: PresenceCode | None) -> None:
        """The presence code now, or none; the QR code's link carries it (so scanning joins
        with it). Made here, on the server: the browser never has what makes a code."""
        self.code = shown
        link = self.join_url
        if shown is not None:
            link = f"{link}?{urlencode({'code': shown.code})}"
        self.props["code"] = shown.code if shown is not None else None
        self.props["join-link"] = link
        self.props["qr-svg"] = segno.make(link, error="m").svg_inline(
            scale=8, border=1, svgclass="eq-qr", omitsize=True
        )


def board_changes(shown: Callable[[], BoardInfo | None]) -> Changes:
    """A revoked link stops the board at once; changed board settings are re-read the same way.
    The page subscribes before it reads the board (which ``shown`` gives once read), so a link
    revoked in between stops it too."""

    def applies(event: DisplayLinkRevoked) -> bool:
        info = shown()
        if info is None:
            return False
        return event.queue_id == info.queue_id and event.link_id in (None, info.link_id)

    return Changes().on(DisplayLinkRevoked, applies)


async def board(
    info: BoardInfo,
    *,
    join_url: str,
    changes: Changes,
    code: Callable[[], Awaitable[PresenceCode | None]] | None = None,
) -> None:
    """Lay out the full-screen board for ``info``'s queue and keep it live (``changes``: from
    :func:`board_changes`); ``code`` reads the presence code the board shows, if any."""
    ui.query(".nicegui-content").classes("p-0 gap-0")
    ui.add_css(_CSS)
    view: BoardView | None = None

    def keep(snapshot: QueueSnapshot) -> None:
        if view is not None:
            view.snapshot = snapshot

    snapshot = (await follow_queue(info.queue_id, keep)).snapshot
    if snapshot is None:
        return
    view = BoardView(snapshot, info=info, join_url=join_url).mark("board")
    if code is not None:
        shown_view, read_code = view, code

        async def show_code() -> None:
            with suppress(DomainError):  # a revoked link stops the board another way
                shown_view.show_code(await read_code())

        await show_code()

        async def keep_code() -> None:
            # A new code when the window turns, or when the setting changed (a new version).
            shown, current = shown_view.code, shown_view.snapshot
            due = shown is not None and datetime.now(UTC) >= shown.changes_at
            if due or (shown is not None) != current.presence_required:
                await show_code()

        ui.timer(1.0, keep_code)

    async def reload() -> None:
        ui.navigate.reload()

    changes.refresh_with(reload)


# Layout and colours of components/board_view.js, read from the back of a room on a projector.
# Sizes follow the screen: --u is 1 % of its height on a landscape screen (a little less on one
# narrower than 16:10), so the board looks the same at 1280×800 and at 1920×1080. Every colour
# pair is at least 4.5:1 (WCAG AA), light and dark; the QR code keeps its white quiet zone.
_CSS = """
.eq-board {
  --u: min(1vh, 0.6vw);
  --eq-text: #1a1a1a;
  --eq-muted: #545454;
  --eq-serving: #1b5e20;
  --eq-rule: #d0d0d0;
  box-sizing: border-box;
  display: flex;
  flex-direction: column;
  gap: calc(2.5 * var(--u));
  width: 100%;
  height: 100vh;
  overflow: hidden;
  padding: calc(2.5 * var(--u)) 3vw;
  background: #ffffff;
  color: var(--eq-text);
}
.body--dark .eq-board {
  --eq-text: #f2f2f2;
  --eq-muted: #c2c2c2;
  --eq-serving: #81c784;
  --eq-rule: #3a3a3a;
  background: #121212;
}
.eq-board h1,
.eq-board p {
  margin: 0;
}

/* The top line: subject, the queue's state, the clock. */
.eq-board-top {
  display: flex;
  align-items: center;
  gap: 2vw;
  border-bottom: 2px solid var(--eq-rule);
  padding-bottom: calc(1.5 * var(--u));
}
.eq-board-subject {
  flex: 1 1 auto;
  min-width: 0;
  font-size: calc(4.5 * var(--u));
  line-height: 1.2;
  font-weight: 700;
  letter-spacing: normal;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}
.eq-board-state {
  font-size: calc(3 * var(--u));
  font-weight: 700;
  padding: calc(0.5 * var(--u)) calc(2 * var(--u));
  border-radius: calc(1 * var(--u));
  white-space: nowrap;
}
.eq-state-open { background: #1b5e20; color: #ffffff; }
.eq-state-paused { background: #f2c037; color: #000000; }
.eq-state-closed { background: #455a64; color: #ffffff; }
.eq-board-clock {
  font-size: calc(4.5 * var(--u));
  font-weight: 500;
  font-variant-numeric: tabular-nums;
}

/* Left: who is at the desk, very large; then who comes next, large, in two columns. */
.eq-board-main {
  flex: 1 1 auto;
  min-height: 0;
  display: flex;
  gap: 3vw;
}
.eq-board-queue {
  flex: 1 1 0;
  min-width: 0;
  display: grid;
  grid-template-columns: minmax(0, 1fr);
  grid-auto-rows: max-content;
  align-content: start;
  column-gap: 3vw;
  row-gap: calc(1.2 * var(--u));
  overflow: hidden;
}
.eq-board-queue.eq-next-2 {
  grid-template-columns: repeat(2, minmax(0, 1fr));
}
.eq-board-queue > :not(.eq-board-next) {
  grid-column: 1 / -1;
}
.eq-board-label {
  color: var(--eq-muted);
  font-size: calc(2.8 * var(--u));
  font-weight: 500;
  text-transform: uppercase;
  letter-spacing: 0.05em;
}
.eq-board-label.eq-board-then {
  margin-top: calc(2 * var(--u));
}
.eq-board-serving {
  color: var(--eq-serving);
  font-weight: 700;
  line-height: 1.1;
  overflow-wrap: break-word;
  display: -webkit-box;
  -webkit-box-orient: vertical;
  -webkit-line-clamp: 2;
  overflow: hidden;
}
.eq-serving-1 { font-size: calc(12 * var(--u)); }
.eq-serving-2 { font-size: calc(9 * var(--u)); }
.eq-serving-3 { font-size: calc(7 * var(--u)); }
.eq-board-none { font-size: calc(7 * var(--u)); line-height: 1.1; color: var(--eq-muted); }
.eq-board-empty { font-size: calc(4.5 * var(--u)); }
.eq-board-next {
  display: flex;
  align-items: baseline;
  gap: calc(1.5 * var(--u));
  min-width: 0;
  font-size: calc(6 * var(--u));
  line-height: 1.3;
}
.eq-next-long .eq-board-next { font-size: calc(5 * var(--u)); }
.eq-board-pos {
  flex: 0 0 auto;
  min-width: 1.3em;
  text-align: right;
  color: var(--eq-muted);
  font-variant-numeric: tabular-nums;
}
/* A name and its "frozen" mark; the mark goes under the name when both do not fit. */
.eq-board-who {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  column-gap: calc(1.5 * var(--u));
  min-width: 0;
}
.eq-board-name {
  max-width: 100%;
  overflow: hidden;
  text-overflow: ellipsis;
  white-space: nowrap;
}
.eq-board-tag {
  flex: 0 0 auto;
  color: var(--eq-muted);
  font-size: calc(2.6 * var(--u));
}
.eq-board-more { font-size: calc(3.4 * var(--u)); color: var(--eq-muted); }
/* People's pictures, when the subject allows them: a circle as tall as the name's letters. */
.eq-board-picture {
  display: inline-block; /* Tailwind's reset makes images blocks: this one sits in the line */
  flex: 0 0 auto;
  width: 1em;
  height: 1em;
  margin-right: 0.25em;
  border-radius: 50%;
  object-fit: cover;
  vertical-align: -0.12em;
  align-self: center;
}
.eq-board-next .eq-board-picture { margin-right: 0; } /* the row's gap spaces it */

/* Right: the way in (a QR code of at least 40 % of the screen's height and the short link),
   then how many wait and for about how long. */
.eq-board-join {
  flex: 0 1 auto;
  max-width: 42vw;
  display: flex;
  flex-direction: column;
  align-items: center;
  gap: calc(1.5 * var(--u));
  text-align: center;
}
.eq-board-qr {
  flex: 0 0 auto;
  box-sizing: border-box;
  width: min(46vh, 40vw);
  height: min(46vh, 40vw);
  background: #ffffff;
  padding: 1vh;
  border-radius: 1vh;
}
.eq-board-qr .eq-qr {
  display: block;
  width: 100%;
  height: 100%;
}
.eq-board-join-label { font-size: calc(3 * var(--u)); }
/* The presence code: read from the back of the room and typed on a phone. */
.eq-board-code {
  display: flex;
  align-items: baseline;
  gap: calc(1.5 * var(--u));
}
.eq-board-code-digits {
  font-size: calc(7 * var(--u));
  font-weight: 700;
  letter-spacing: 0.12em;
  font-variant-numeric: tabular-nums;
}
.eq-board-link {
  font-size: calc(5 * var(--u));
  font-weight: 700;
  line-height: 1.15;
  overflow-wrap: anywhere;
}
.eq-board-count {
  display: flex;
  align-items: baseline;
  gap: calc(1.5 * var(--u));
  margin-top: calc(1 * var(--u));
}
.eq-board-count-n {
  font-size: calc(9 * var(--u));
  font-weight: 700;
  line-height: 1;
  font-variant-numeric: tabular-nums;
}
.eq-board-estimate {
  color: var(--eq-muted);
  font-size: calc(3 * var(--u));
  line-height: 1.25;
}

/* A phone or a screen standing upright: one column, the way in last, nothing too small. */
@media (orientation: portrait) {
  .eq-board {
    --u: 1.1vw;
    height: auto;
    min-height: 100vh;
    overflow: visible;
  }
  .eq-board-subject { white-space: normal; }
  .eq-board-main { flex-direction: column; }
  .eq-board-queue,
  .eq-board-queue.eq-next-2 {
    flex: 0 0 auto;
    overflow: visible;
    grid-template-columns: minmax(0, 1fr);
  }
  .eq-board-join { max-width: none; }
  .eq-board-qr { width: min(70vw, 45vh); height: min(70vw, 45vh); }
  .eq-board-label,
  .eq-board-tag,
  .eq-board-estimate,
  .eq-board-join-label { font-size: max(0.875rem, calc(2.8 * var(--u))); }
  .eq-board-serving.eq-serving-1 { font-size: max(2.5rem, calc(12 * var(--u))); }
  .eq-board-next { font-size: max(1.5rem, calc(6 * var(--u))); }
  .eq-board-link { font-size: max(1.25rem, calc(5 * var(--u))); }
}
"""
