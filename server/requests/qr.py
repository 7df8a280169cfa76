"""QR codes for request links, as SVG (segno)."""

from __future__ import annotations

import segno


def qr_svg(url: str) -> str:
    """A scalable SVG with a quiet zone; error correction M survives a scratched phone screen."""
    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=4, dark="#000", light="#fff")
