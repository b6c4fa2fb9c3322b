"""How the tests and the web benchmark start Debian's Chromium headless (no browser download)."""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # WebGL without a GPU: ANGLE on SwiftShader, Chromium's software renderer
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
