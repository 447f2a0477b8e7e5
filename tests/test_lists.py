"""QUAL-2's lists: `/case list` and `/case search` (PERM-2: a requester sees only their own)."""

from __future__ import annotations

from bot.sandbox.driver import Driver
from bot.sandbox.world import World
from tests.conftest import as_user
from tests.helpers import last_ephemeral


def test_smoke(world: World, dana: Driver) -> None:
    dana.command("/case new Printer on floor 2 jams service=printers urgency=medium for=@alex")
    dana.command("/case new VPN drops every hour service=vpn urgency=high for=@jordan")
    dana.command("/case new Laptop screen flickers service=laptops urgency=low for=@alex")
    dana.command("/case list all")
    print(last_ephemeral(world, "U0DESK01"))
    dana.command("/case search pritner")
    print(last_ephemeral(world, "U0DESK01"))
    alex = as_user(world, "alex")
    alex.command("/case list")
    print(last_ephemeral(world, "U0USER01"))
    alex.command("/case list all")
    print(last_ephemeral(world, "U0USER01"))
    dana.command("/case list bogus")
    print(last_ephemeral(world, "U0DESK01"))
    assert 0
