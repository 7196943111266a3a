"""Strict shapes of the processor families (extract, classify, split): the SDK builds its
objects without validating them, so a missing or mistyped field would pass
every other test unnoticed. Here the raw JSON of each new object is
validated against the SDK's own pydantic types (the contract).
"""

from __future__ import annotations

import requests
from _support import POLL, unique
from extend_ai.types.classifier import Classifier
from extend_ai.types.classifier_summary import ClassifierSummary
from extend_ai.types.classifier_version import ClassifierVersion
from extend_ai.types.classify_run import ClassifyRun
from extend_ai.types.classify_run_summary import ClassifyRunSummary
from extend_ai.types.extract_run import ExtractRun
from extend_ai.types.extractor import Extractor
from extend_ai.types.file import File
from extend_ai.types.split_run import SplitRun
from extend_ai.types.split_run_summary import SplitRunSummary
from extend_ai.types.splitter import Splitter
from extend_ai.types.splitter_summary import SplitterSummary
from extend_ai.types.splitter_version import SplitterVersion
from test_classify import CONFIG as CLASSIFY_CONFIG
from test_classify import INVOICE, doc
from test_split import CONFIG as SPLIT_CONFIG
from test_split import packet


def raw(server, path: str):
    resp = requests.get(server.url(path.lstrip("/")), headers=server.headers())
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_classify_objects_validate_against_the_sdk_types(server, client):
    cl = client.classifiers.create(name=unique("shape"), config=CLASSIFY_CONFIG)
    v = client.classifier_versions.create(cl.id, release_type="major")
    run = client.classify_runs.create_and_poll(
        classifier={"id": cl.id, "version": v.version}, file=doc(INVOICE, "shape"), polling_options=POLL
    )
    assert run.status == "PROCESSED"
    Classifier.model_validate(raw(server, f"/classifiers/{cl.id}"))
    ClassifierVersion.model_validate(raw(server, f"/classifiers/{cl.id}/versions/{v.id}"))
    ClassifyRun.model_validate(raw(server, f"/classify_runs/{run.id}"))
    for item in raw(server, "/classifiers?maxPageSize=5")["data"]:
        ClassifierSummary.model_validate(item)
    for item in raw(server, f"/classify_runs?classifierId={cl.id}")["data"]:
        ClassifyRunSummary.model_validate(item)


def test_split_objects_validate_against_the_sdk_types(server, client):
    sp = client.splitters.create(name=unique("shape"), config=SPLIT_CONFIG)
    v = client.splitter_versions.create(sp.id, release_type="major")
    run = client.split_runs.create_and_poll(
        splitter={"id": sp.id}, file={"id": packet(client).id}, polling_options=POLL
    )
    assert run.status == "PROCESSED"
    Splitter.model_validate(raw(server, f"/splitters/{sp.id}"))
    SplitterVersion.model_validate(raw(server, f"/splitters/{sp.id}/versions/{v.id}"))
    SplitRun.model_validate(raw(server, f"/split_runs/{run.id}"))
    for item in raw(server, "/splitters?maxPageSize=5")["data"]:
        SplitterSummary.model_validate(item)
    for item in raw(server, f"/split_runs?splitterId={sp.id}")["data"]:
        SplitRunSummary.model_validate(item)


def test_extract_objects_and_split_files_validate_against_the_sdk_types(server, client):
    ex = client.extractors.create(name=unique("shape"), config={"schema": {"type": "object",
        "properties": {"invoice_number": {"type": ["string", "null"]}},
        "required": ["invoice_number"], "additionalProperties": False}})
    run = client.split_runs.create_and_poll(file={"id": packet(client).id}, config=SPLIT_CONFIG,
                                            polling_options=POLL)
    split_file = run.output.splits[0].file_id
    extracted = client.extract_runs.create_and_poll(extractor={"id": ex.id}, file={"id": split_file},
                                                    polling_options=POLL)
    assert extracted.status == "PROCESSED"
    Extractor.model_validate(raw(server, f"/extractors/{ex.id}"))
    ExtractRun.model_validate(raw(server, f"/extract_runs/{extracted.id}"))
    File.model_validate(raw(server, f"/files/{split_file}"))
