"""The `serve` command: the web map and its JSON API over a store, with uvicorn.

Registered on the main `app` when `alliancemap.cli` loads. Bound to 127.0.0.1 unless told
otherwise; any other address prints a warning, since the map then reaches the network.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from alliancemap import cli_output as show
from alliancemap.cli import DbOption, app
from alliancemap.errors import AllianceMapError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether `host` only listens on this machine (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A socket bound and listening on host:port; a clear error when that is impossible."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise AllianceMapError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as err:
        sock.close()
        reason = (err.strerror or str(err)).lower()
        raise AllianceMapError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port.")] = DEFAULT_PORT,
) -> None:
    """Explore the map in a browser: timeline, filters, evidence behind every edge (read-only)."""
    import uvicorn

    from alliancemap.web.app import bundle_built, create_app, warm

    web = create_app(db)
    if not is_loopback(host):
        show.err.print(
            f"warning: serving on {host}: anyone who can reach this machine can read the map "
            "(the API is read-only)",
            markup=False,
            soft_wrap=True,
        )
    if not bundle_built():
        show.err.print(
            "notice: the web map's bundle is missing (run `make web`); serving the JSON API only",
            markup=False,
            soft_wrap=True,
        )
    sock = listen(host, port)
    with show.progress("loading the map") as update:
        update(0, None)
        warm(web)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    show.out.print(
        f"serving {web.state.store.location} at http://{shown}:{bound}/ (Ctrl-C to stop)",
        markup=False,
        soft_wrap=True,
    )
    config = uvicorn.Config(web, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
