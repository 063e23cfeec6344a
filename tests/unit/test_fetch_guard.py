"""The fetch guard's address checks (issue 13, point 8): every spelling of an internal address,
the IPv6 forms that carry one, the URL shapes it refuses, and the operator's allow-list."""

from __future__ import annotations

import ipaddress

import pytest

from equeue_ui import fetch_guard
from equeue_ui.fetch_guard import AllowList, FetchError, check_url, refusal, vetted_addresses

NOT_PUBLIC = [
    "127.0.0.1",
    "127.255.255.254",
    "0.0.0.0",
    "0.1.2.3",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space (carrier-grade NAT)
    "192.0.0.8",
    "198.18.0.1",
    "224.0.0.1",
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "::",
    "::1",
    "fe80::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",  # site-local
    "ff02::1",
    "2001:db8::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::1",  # local-use NAT64
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
    "2001::1",  # Teredo
]
PUBLIC = [
    "8.8.8.8",
    "93.184.216.34",
    "2606:4700:4700::1111",
    "2a00:1450:4010:c05::64",
    "::ffff:8.8.8.8",
    "64:ff9b::808:808",  # NAT64 of 8.8.8.8: how a public host looks on an IPv6-only network
]
# Every one of these resolves to 127.0.0.1 (or ::1, or 0.0.0.0): the resolver reads them all.
LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "2130706433",
    "0x7f.1",
    "0x7f000001",
    "017700000001",
    "127.1",
    "0",
    "0.0.0.0",
    "localhost",
    "LOCALHOST",
    "::1",
    "::ffff:127.0.0.1",
    "0:0:0:0:0:ffff:7f00:1",
]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_internal_and_special_addresses_are_refused(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@pytest.mark.parametrize("host", LOOPBACK_SPELLINGS)
async def test_every_spelling_of_a_loopback_host_is_refused_after_resolving(host: str) -> None:
    with pytest.raises(fetch_guard.AddressRefused):
        await vetted_addresses(host, 80, AllowList())


async def test_a_host_is_refused_when_any_of_its_addresses_is_internal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def two_addresses(host: str, port: int) -> list[fetch_guard.IPAddress]:
        return [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.0.0.5")]

    monkeypatch.setattr(fetch_guard, "resolve", two_addresses)
    with pytest.raises(fetch_guard.AddressRefused, match=r"10\.0\.0\.5"):
        await vetted_addresses("timetable.example", 443, AllowList())


async def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(fetch_guard.AddressRefused):
        await vetted_addresses("no-such-host.invalid", 80, AllowList())


@pytest.mark.parametrize(
    ("entries", "host", "admitted"),
    [
        (["127.0.0.1"], "127.0.0.1", True),
        (["127.0.0.1"], "2130706433", True),  # the address decides, whatever the spelling
        (["127.0.0.0/8"], "127.0.0.2", True),
        (["localhost"], "localhost", True),
        (["LocalHost."], "localhost", True),
        (["::1"], "::1", True),
        (["10.0.0.0/8"], "127.0.0.1", False),
        (["intranet.example"], "localhost", False),
        (["127.0.0.2"], "127.0.0.1", False),
        ([], "127.0.0.1", False),
    ],
)
async def test_the_allow_list_admits_named_hosts_addresses_and_networks(
    entries: list[str], host: str, admitted: bool
) -> None:
    allow = AllowList.parse(entries)
    if admitted:
        assert await vetted_addresses(host, 80, allow)
    else:
        with pytest.raises(fetch_guard.AddressRefused):
            await vetted_addresses(host, 80, allow)


def test_trusted_hosts_add_to_the_allow_list() -> None:
    allow = AllowList.parse(["10.0.0.0/8"]).including(["ecourses.intranet"])
    assert allow.admits_host("ECOURSES.intranet")
    assert allow.admits(ipaddress.ip_address("10.2.3.4"))
    assert not allow.admits(ipaddress.ip_address("127.0.0.1"))


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://timetable.example/groups.json", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("gopher://127.0.0.1:6379/_FLUSHALL", "http:// or https://"),
        ("//timetable.example/groups", "http:// or https://"),
        ("http:///groups", "http:// or https://"),
        ("https://bot:s3cret@timetable.example/groups", "user name or password"),
        ("https://bot@timetable.example/groups", "user name or password"),
        ("http://timetable.example:0/", "Cannot fetch this address."),
        ("http://timetable.example:65536/", "Cannot fetch this address."),
        ("http://timetable.example:http/", "Cannot fetch this address."),
        ("http://[::1/", "Cannot fetch this address."),
        ("https://timetable.example/" + "a" * 3000, "Cannot fetch this address."),
    ],
)
def test_addresses_of_the_wrong_shape_are_refused_before_any_connection(
    url: str, reason: str
) -> None:
    with pytest.raises(FetchError) as refused:
        check_url(url)
    assert reason in str(refused.value)


def test_a_good_address_is_kept_as_typed_without_surrounding_spaces() -> None:
    assert check_url("  https://Timetable.example:8443/api?x=1 ") == (
        "https://Timetable.example:8443/api?x=1"
    )


def test_the_log_shows_an_address_without_credentials_or_query() -> None:
    shown = fetch_guard.shown_in_log("https://bot:s3cret@timetable.example:8443/api?token=abc")
    assert shown == "https://timetable.example:8443/api"
