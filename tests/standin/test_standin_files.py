"""QUAL-2: the stand-in learns Slack's file upload as slack_sdk's files_upload_v2 makes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.error import HTTPError

import pytest
import requests
import yaml
from slack_sdk import WebClient

from bot.sandbox.standin import UPLOAD, SlackStandIn
from bot.sandbox.standin_files import UPLOAD_URL_SECONDS
from tests.standin.conftest import FakeClock, error_of, refused
from tests.standin.test_standin import make_standin


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[SlackStandIn]:
    s = make_standin(clock)
    server = s.serve(host="127.0.0.1", port=0)
    yield s
    server.close()
    for call in s.calls:
        if call.error and call.error != "unknown_method":
            assert call.error in s.documented_errors(call.method), call


def test_qual_2_files_upload_v2_makes_three_calls_and_shares_to_the_channel(
    standin: SlackStandIn, client: WebClient
) -> None:
    data = "a,b\r\n1,ü\r\n".encode()
    response = client.files_upload_v2(
        channel="C0DESKQ",
        content=data,
        filename="cases.csv",
        title="Cases",
        alt_txt="two columns",
        initial_comment="Here it is",
    )
    file_id = response["file"]["id"]
    assert [(c.method, c.ok) for c in standin.calls] == [
        ("files.getUploadURLExternal", True),
        (UPLOAD, True),
        ("files.completeUploadExternal", True),
    ]
    assert standin.calls[0].args["filename"] == "cases.csv"
    assert standin.calls[0].args["length"] == str(len(data))
    assert standin.calls[1].args == {"file_id": file_id, "bytes": len(data)}
    assert standin.file_bytes(file_id) == data
    (shared,) = standin.messages("C0DESKQ")
    assert (shared.user, shared.text, shared.files) == ("UCASEBOT", "Here it is", [file_id])
    (upload,) = standin.files()
    assert (upload.title, upload.alt_txt, upload.shares) == ("Cases", "two columns", ["C0DESKQ"])
    assert response["file"]["mimetype"] == "text/csv"
    assert response["file"]["size"] == len(data)
    history = client.conversations_history(channel="C0DESKQ")["messages"]
    assert history[0]["files"][0]["id"] == file_id and history[0]["upload"] is True


def test_qual_2_a_user_id_in_channels_shares_to_the_bots_dm_with_them(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.files_upload_v2(channels=["U0BOB"], content=b"x", filename="x.txt")
    (shared,) = standin.messages(standin.dm_channel_id("U0BOB"))
    assert len(shared.files) == 1


def test_qual_2_several_files_share_in_one_message(
    standin: SlackStandIn, client: WebClient
) -> None:
    client.files_upload_v2(
        channel="C0DESKQ",
        file_uploads=[
            {"content": b"1", "filename": "a.png", "title": "A"},
            {"content": b"22", "filename": "b.png", "title": "B"},
        ],
    )
    (shared,) = standin.messages("C0DESKQ")
    assert [standin.file_bytes(f) for f in shared.files] == [b"1", b"22"]
    assert [c.method for c in standin.calls] == [
        "files.getUploadURLExternal",
        "files.getUploadURLExternal",
        UPLOAD,
        UPLOAD,
        "files.completeUploadExternal",
    ]


def test_qual_2_get_upload_url_refuses_bad_arguments(client: WebClient) -> None:
    call = client.files_getUploadURLExternal
    assert error_of(lambda: call(filename="a.csv", length=0)) == "missing_argument"
    assert error_of(lambda: call(filename="", length=3)) == "invalid_arguments"
    no_name = refused(lambda: client.api_call("files.getUploadURLExternal", params={"length": 3}))
    assert no_name["response_metadata"]["messages"] == ["[ERROR] missing required field: filename"]
    bad = refused(lambda: call(filename="a.csv", length="three"))  # type: ignore[arg-type]
    assert bad["response_metadata"]["messages"] == [
        "[ERROR] must be an integer [json-pointer:/length]"
    ]
    assert error_of(lambda: call(filename="a.png", length=3, alt_txt="x" * 1001)) == (
        "alt_txt_too_large"
    )
    assert error_of(lambda: call(filename="a", length=3, snippet_type="cobol")) == (
        "unknown_snippet_type"
    )


def test_qual_2_complete_refuses_unknown_files_and_channels(
    standin: SlackStandIn, client: WebClient
) -> None:
    def uploaded() -> str:
        got = client.files_getUploadURLExternal(filename="a.txt", length=2)
        assert requests.post(got["upload_url"], data=b"ok", timeout=5).status_code == 200
        return str(got["file_id"])

    complete = client.files_completeUploadExternal
    assert error_of(lambda: complete(files=[{"id": "F0NOPE"}])) == "file_not_found"
    pending = client.files_getUploadURLExternal(filename="a.txt", length=2)["file_id"]
    assert error_of(lambda: complete(files=[{"id": pending}])) == "file_not_found"
    assert error_of(lambda: complete(files=[{"id": uploaded()}], channel_id="C0NONE")) == (
        "channel_not_found"
    )
    assert error_of(lambda: complete(files=[{"id": uploaded()}], channels=["C0NONE"])) == (
        "invalid_channel"
    )
    assert error_of(lambda: complete(files=[{"id": uploaded()}], channel_id="C0HELP")) == (
        "not_in_channel"
    )
    done = uploaded()
    assert complete(files=[{"id": done}])["files"][0]["id"] == done  # private: no share
    assert error_of(lambda: complete(files=[{"id": done}])) == "file_not_found"  # once only
    assert standin.messages("C0HELP") == []


def test_qual_2_the_upload_url_is_single_use_exact_and_expires(
    standin: SlackStandIn, client: WebClient, clock: FakeClock
) -> None:
    got = client.files_getUploadURLExternal(filename="a.txt", length=3)
    url = got["upload_url"]
    assert requests.post(url, data=b"toolong", timeout=5).status_code == 400
    unknown = url.rsplit("/", 1)[0] + "/unknown"
    assert requests.post(unknown, data=b"abc", timeout=5).status_code == 404
    clock.advance(UPLOAD_URL_SECONDS + 1)
    expired = requests.post(url, data=b"abc", timeout=5)
    assert (expired.status_code, expired.text) == (404, "upload URL expired")

    fresh = client.files_getUploadURLExternal(filename="b.txt", length=3)
    multipart = requests.post(fresh["upload_url"], files={"file": ("b.txt", b"xyz")}, timeout=5)
    assert multipart.status_code == 200 and multipart.text == "OK - 3"
    assert standin.file_bytes(str(fresh["file_id"])) == b"xyz"


def test_qual_2_an_upload_url_refusal_raises_in_files_upload_v2(
    standin: SlackStandIn, client: WebClient, clock: FakeClock
) -> None:
    class Late(WebClient):
        def _upload_file(self, **kwargs):  # type: ignore[no-untyped-def]
            clock.advance(UPLOAD_URL_SECONDS + 1)  # the bytes arrive after the URL expired
            return super()._upload_file(**kwargs)

    late = Late(token=client.token, base_url=client.base_url, retry_handlers=[])
    with pytest.raises(HTTPError, match="404"):  # urllib raises it inside files_upload_v2
        late.files_upload_v2(channel="C0DESKQ", content=b"abc", filename="c.txt")
    assert standin.messages("C0DESKQ") == []


def test_qual_2_the_method_table_has_the_upload_methods() -> None:
    from bot.sandbox import slack_methods_build

    table = json.loads(slack_methods_build.OUTPUT.read_text(encoding="utf-8"))
    assert table["files.getUploadURLExternal"]["required"] == ["filename", "length"]
    assert table["files.completeUploadExternal"]["required"] == ["files"]
    assert "not_in_channel" in table["files.completeUploadExternal"]["errors"]


def test_qual_2_the_manifest_grants_files_write() -> None:
    """files.getUploadURLExternal and files.completeUploadExternal need files:write."""
    manifest = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())
    assert "files:write" in manifest["oauth_config"]["scopes"]["bot"]
