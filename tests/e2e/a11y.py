"""Accessibility checks for the browser tests: axe-core and a text-contrast walk, in the page.

- ``axe_violations(page)`` runs axe-core (bundled by the PyPI package ``axe-playwright-python``,
  so nothing is fetched at test time) with the WCAG 2.0/2.1 A and AA rules and returns the
  serious and critical violations with their nodes.
- ``contrast_failures(page)`` walks the visible text and compares each text node's colour with
  the first opaque background up the tree (the body's and the html's included), by the WCAG
  relative-luminance formula: below 4.5:1 (3:1 for large text) is a failure. It sees what axe
  leaves "incomplete" (text over a translucent layer, a page whose background comes from the
  body only), and it is what shows a dark theme's light card left behind.

Both inject their script with ``page.evaluate``, which the page's Content-Security-Policy does
not restrict (and it allows inline scripts and eval anyway: equeue_ui/security_headers.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT
from playwright.async_api import Page

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
SEVERE_IMPACTS = frozenset({"serious", "critical"})
NORMAL_TEXT_RATIO = 4.5
LARGE_TEXT_RATIO = 3.0


@dataclass(frozen=True)
class AxeNode:
    target: str
    html: str
    summary: str


@dataclass(frozen=True)
class AxeViolation:
    rule: str
    impact: str
    help: str
    nodes: tuple[AxeNode, ...]

    def __str__(self) -> str:
        lines = [f"{self.rule} ({self.impact}): {self.help}"]
        lines += [f"  {node.target}: {node.html[:160]}\n    {node.summary}" for node in self.nodes]
        return "\n".join(lines)


@dataclass(frozen=True)
class ContrastFailure:
    text: str
    target: str
    ratio: float
    required: float
    color: str
    background: str

    def __str__(self) -> str:
        return (
            f"{self.ratio:.2f}:1 < {self.required}:1 {self.text!r} at {self.target} "
            f"({self.color} on {self.background})"
        )


# Quasar's loading bar, an unnamed progress bar, shows while any XHR runs, and axe itself fetches
# the page's style sheets by XHR: it would report itself.
AXE_ARTEFACTS = (".q-loading-bar",)


async def axe_violations(
    page: Page, *, exclude: tuple[str, ...] = AXE_ARTEFACTS
) -> list[AxeViolation]:
    """Serious and critical WCAG 2.1 A/AA violations axe-core finds in the page as it is now.

    ``exclude`` holds CSS selectors of parts to leave out."""
    if not await page.evaluate("() => !!window.axe"):  # once per document
        await page.evaluate(AXE_SCRIPT)
    results: dict[str, Any] = await page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
            return await window.axe.run(context, {
                runOnly: {type: 'tag', values: tags},
                resultTypes: ['violations'],
            });
        }""",
        [list(WCAG_TAGS), list(exclude)],
    )
    found = []
    for violation in results["violations"]:
        if violation.get("impact") not in SEVERE_IMPACTS:
            continue
        nodes = tuple(
            AxeNode(
                target=" ".join(str(part) for part in node.get("target", [])),
                html=str(node.get("html", "")).replace("\n", " "),
                summary=str(node.get("failureSummary", "")).replace("\n", " "),
            )
            for node in violation["nodes"]
        )
        found.append(AxeViolation(violation["id"], violation["impact"], violation["help"], nodes))
    return found


async def contrast_failures(page: Page) -> list[ContrastFailure]:
    """Every visible text node whose contrast with its background is below the WCAG AA ratio.

    Disabled controls are left out (WCAG exempts them), and so are invisible elements (hidden,
    transparent, zero-sized or clipped away, like screen-reader-only text)."""
    rows: list[dict[str, Any]] = await page.evaluate(
        _CONTRAST_JS, {"normal": NORMAL_TEXT_RATIO, "large": LARGE_TEXT_RATIO}
    )
    return [ContrastFailure(**row) for row in rows]


def describe(violations: list[AxeViolation], contrast: list[ContrastFailure]) -> str:
    """A readable report for an assertion message ("" when there is nothing to report)."""
    parts = [str(violation) for violation in violations]
    parts += [f"contrast {failure}" for failure in contrast]
    return "\n".join(parts)


def node_count(violations: list[AxeViolation]) -> int:
    return sum(len(violation.nodes) for violation in violations)


_CONTRAST_JS = r"""
({normal, large}) => {
    const parse = (text) => {
        const m = text.match(/rgba?\(([^)]+)\)/);
        if (!m) return null;  // 'transparent' is rgba(0, 0, 0, 0) in computed styles
        const parts = m[1].split(/[\s,\/]+/).filter(Boolean).map(Number);
        return {r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1};
    };
    const over = (top, bottom) => {  // top composited over an opaque bottom
        const a = top.a;
        return {
            r: top.r * a + bottom.r * (1 - a),
            g: top.g * a + bottom.g * (1 - a),
            b: top.b * a + bottom.b * (1 - a),
            a: 1,
        };
    };
    const luminance = ({r, g, b}) => {
        const channel = (v) => {
            const s = v / 255;
            return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    const ratio = (x, y) => {
        const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
        return (hi + 0.05) / (lo + 0.05);
    };
    const css = (c) => `rgb(${Math.round(c.r)}, ${Math.round(c.g)}, ${Math.round(c.b)})`;
    const where = (el) => {
        const path = [];
        for (let e = el; e && e.nodeType === 1 && path.length < 4; e = e.parentElement) {
            let part = e.tagName.toLowerCase();
            if (e.id) part += '#' + e.id;
            const classes = [...e.classList].filter(c => !c.startsWith('q-') || c.includes('--'));
            if (classes.length) part += '.' + classes.slice(0, 3).join('.');
            const mark = e.getAttribute('data-testid') || e.getAttribute('marker');
            if (mark) part += `[${mark}]`;
            path.unshift(part);
        }
        return path.join(' > ');
    };
    // The background the text is drawn on: backgrounds up the tree composited until an opaque
    // one; null when an image (a gradient) is in the way, as its colour cannot be known here.
    const backgroundOf = (el) => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (style.backgroundImage && style.backgroundImage !== 'none') return null;
            const colour = parse(style.backgroundColor);
            if (colour && colour.a > 0) {
                layers.push(colour);
                if (colour.a >= 1) break;
            }
        }
        let result = {r: 255, g: 255, b: 255, a: 1};  // the canvas, when nothing is opaque
        for (let i = layers.length - 1; i >= 0; i--) result = over(layers[i], result);
        return result;
    };
    const opacityOf = (el) => {
        let opacity = 1;
        for (let e = el; e; e = e.parentElement) opacity *= Number(getComputedStyle(e).opacity);
        return opacity;
    };
    const disabled = (el) => !!el.closest(
        '[disabled], [aria-disabled="true"], .disabled, .q-field--disabled, .q-btn--disabled'
    );
    const visible = (el, node) => {
        if (el.checkVisibility && !el.checkVisibility(
            {opacityProperty: true, visibilityProperty: true, contentVisibilityAuto: true}
        )) return false;
        const range = document.createRange();
        range.selectNodeContents(node);
        const rects = [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1);
        if (!rects.length) return false;
        // Clipped away (screen-reader-only text, a collapsed overflow): no visible box.
        for (let e = el; e && e !== document.body; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (style.clip === 'rect(0px, 0px, 0px, 0px)' || style.clipPath === 'inset(50%)') {
                return false;
            }
            if (style.overflow !== 'visible') {
                const box = e.getBoundingClientRect();
                if (box.width <= 1 || box.height <= 1) return false;
            }
        }
        return true;
    };
    const failures = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        const el = node.parentElement;
        if (!text || !el || seen.has(el)) continue;
        if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
        // Material icons are ligature words drawn as pictures, not text to be read.
        if (el.closest('.material-icons, .q-icon, [aria-hidden="true"]')) continue;
        if (disabled(el) || !visible(el, node)) continue;
        seen.add(el);
        const style = getComputedStyle(el);
        const colour = parse(style.color);
        const background = backgroundOf(el);
        if (!colour || !background) continue;
        const alpha = colour.a * opacityOf(el);
        const drawn = over({...colour, a: alpha}, background);
        const size = parseFloat(style.fontSize);
        const bold = Number(style.fontWeight) >= 700;
        const required = size >= 24 || (bold && size >= 18.66) ? large : normal;
        const value = ratio(drawn, background);
        if (value + 1e-6 < required) {
            failures.push({
                text: text.slice(0, 60),
                target: where(el),
                ratio: Math.round(value * 100) / 100,
                required,
                color: css(drawn),
                background: css(background),
            });
        }
    }
    return failures;
}
"""
