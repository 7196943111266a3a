"""At-least-once webhook delivery: retries through refused connections, 500s
and timeouts; survival of a server restart; and replays with a fresh
signature. Delivery state is read back through Quarry's delivery log
(``GET /quarry/events/{id}/deliveries``).

Each test scopes its endpoint to its own extractor with a subscription, so
events of other tests never reach its receiver.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List, Tuple

import requests

from _receiver import Receiver
from _support import API_VERSION, POLL, Server, invoice_schema, text_file, unique, wait_until
from conftest import WEBHOOK_ARGS

RUN_EVENTS = ["extract_run.processed", "extract_run.failed"]


def scoped_endpoint(client: Any, receiver: Receiver) -> Tuple[Any, Any]:
    """An endpoint that only receives run events of a fresh extractor."""
    endpoint = client.webhook_endpoints.create(url=receiver.url, name=unique("wh"), enabled_events=[], api_version=API_VERSION)
    ex = client.extractors.create(name=unique("ex"), config={"schema": invoice_schema()})
    client.webhook_subscriptions.create(
        webhook_endpoint_id=endpoint.id, resource_type="extractor", resource_id=ex.id, enabled_events=RUN_EVENTS
    )
    return endpoint, ex


def run_event_ids(srv: Server, run_ids: List[str]) -> Dict[str, str]:
    """run id -> id of its extract_run.* event, from GET /quarry/events."""

    def find() -> Any:
        page = requests.get(srv.url("quarry/events?maxPageSize=1000"), headers=srv.headers()).json()
        found = {e["resourceId"]: e["id"] for e in page["data"] if e["eventType"] in RUN_EVENTS}
        return {r: found[r] for r in run_ids} if all(r in found for r in run_ids) else None

    return wait_until(find, what="run events in the outbox")


def attempt_log(srv: Server, event_id: str) -> Dict[str, Any]:
    resp = requests.get(srv.url(f"quarry/events/{event_id}/deliveries"), headers=srv.headers())
    assert resp.status_code == 200, resp.text
    data = resp.json()["data"]
    assert len(data) == 1, data
    return data[0]


def seen(receiver: Receiver, event_ids: List[str], answer: str) -> bool:
    got = {r.event["eventId"] for r in receiver.snapshot() if r.answer == answer}
    return set(event_ids) <= got


def test_refused_then_500_then_timeout_then_recovery(webhook_server: Server) -> None:
    client = webhook_server.client()
    receiver = Receiver()  # not started: connections are refused
    endpoint, ex = scoped_endpoint(client, receiver)
    try:
        runs = [client.extract_runs.create_and_poll(extractor={"id": ex.id}, file=text_file(), polling_options=POLL) for _ in range(3)]
        events = run_event_ids(webhook_server, [r.id for r in runs])
        ids = list(events.values())
        wait_until(lambda: all(attempt_log(webhook_server, e)["attempts"] >= 2 for e in ids), what="refused attempts")

        receiver.mode = "error"
        receiver.start()
        late = client.extract_runs.create_and_poll(extractor={"id": ex.id}, file=text_file(), polling_options=POLL)
        events.update(run_event_ids(webhook_server, [late.id]))
        ids = list(events.values())
        wait_until(lambda: seen(receiver, ids, "error"), what="500 answers for every event")

        receiver.mode = "hang"
        wait_until(lambda: seen(receiver, ids, "hang"), what="timeouts for every event")

        receiver.mode = "ok"
        wait_until(lambda: set(ids) <= set(receiver.delivered_ids()), what="recovery")
        # Every request carried one of our events; repeats are redeliveries of the same id.
        assert {r.event["eventId"] for r in receiver.snapshot()} == set(ids)
        for r in receiver.delivered():
            assert client.webhooks.verify(r.body, r.headers, endpoint.signing_secret)

        for run in runs:
            log = attempt_log(webhook_server, events[run.id])
            assert log["state"] == "delivered" and log["webhookEndpointId"] == endpoint.id
            kinds = log["attemptLog"]
            assert any(a["statusCode"] is None and "refused" in (a["error"] or "").lower() for a in kinds), kinds
            assert any(a["statusCode"] == 500 for a in kinds), kinds
            assert any(a["statusCode"] is None and "timed out" in (a["error"] or "") for a in kinds), kinds
            assert kinds[-1]["statusCode"] == 200 and kinds[-1]["error"] is None, kinds
            assert all(isinstance(a["latencyMs"], int) and a["createdAt"] for a in kinds)
            assert log["attempts"] == len(kinds) >= 4
    finally:
        receiver.stop()


def test_pending_events_survive_a_restart() -> None:
    receiver = Receiver()  # down while the server runs
    srv = Server(workers=2, extra_args=WEBHOOK_ARGS).start()
    try:
        client = srv.client()
        endpoint, ex = scoped_endpoint(client, receiver)
        runs = [client.extract_runs.create_and_poll(extractor={"id": ex.id}, file=text_file(), polling_options=POLL) for _ in range(2)]
        events = run_event_ids(srv, [r.id for r in runs])
        wait_until(lambda: all(attempt_log(srv, e)["attempts"] >= 1 for e in events.values()), what="failed attempts")
        assert all(attempt_log(srv, e)["state"] == "pending" for e in events.values())

        srv.restart()  # SIGTERM, then a new process on the same data dir
        receiver.start()
        wait_until(lambda: set(events.values()) <= set(receiver.delivered_ids()), what="delivery after restart")
        for r in receiver.delivered():
            assert client.webhooks.verify_and_parse(r.body, r.headers, endpoint.signing_secret).event_id in events.values()
        assert all(attempt_log(srv, e)["state"] == "delivered" for e in events.values())
    finally:
        receiver.stop()
        srv.stop()


def test_replay_resends_with_a_fresh_signature(webhook_server: Server) -> None:
    client = webhook_server.client()
    receiver = Receiver().start()
    try:
        endpoint, ex = scoped_endpoint(client, receiver)
        run = client.extract_runs.create_and_poll(extractor={"id": ex.id}, file=text_file(), polling_options=POLL)
        event_id = run_event_ids(webhook_server, [run.id])[run.id]
        first = wait_until(lambda: receiver.delivered(), what="first delivery")[0]
        wait_until(lambda: attempt_log(webhook_server, event_id)["state"] == "delivered", what="delivered state")

        headers = webhook_server.headers()
        wait_until(lambda: int(first.headers["x-extend-request-timestamp"]) < int(time.time()), what="a new second")
        resp = requests.post(webhook_server.url(f"quarry/events/{event_id}/replay"), headers=headers)
        assert resp.status_code == 200 and resp.json() == {"eventId": event_id, "deliveries": 1}, resp.text
        second = wait_until(lambda: receiver.delivered()[1:], what="replayed delivery")[0]

        assert second.event["eventId"] == event_id and second.body == first.body
        ts1, ts2 = (int(r.headers["x-extend-request-timestamp"]) for r in (first, second))
        assert ts2 > ts1
        assert second.headers["x-extend-request-signature"] != first.headers["x-extend-request-signature"]
        assert client.webhooks.verify(second.body, second.headers, endpoint.signing_secret)

        # Range replay covers the event too; bad input and unknown ids are client errors.
        created = requests.get(webhook_server.url("quarry/events?maxPageSize=1000"), headers=headers).json()["data"]
        at = next(e["createdAt"] for e in created if e["id"] == event_id)
        resp = requests.post(webhook_server.url("quarry/events/replay"), headers=headers, json={"from": at, "to": at})
        assert resp.status_code == 200 and resp.json()["events"] >= 1, resp.text
        wait_until(lambda: len(receiver.delivered()) >= 3, what="range replay delivery")
        bad = requests.post(webhook_server.url("quarry/events/replay"), headers=headers, json={"from": "yesterday", "to": at})
        assert bad.status_code == 400
        missing = requests.post(webhook_server.url("quarry/events/evt_nope/replay"), headers=headers)
        assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    finally:
        receiver.stop()
