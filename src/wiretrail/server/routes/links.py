"""Links between documents: who copied, repeated or rewrote whom, and who was first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from ...model import Relation
from ...report.export import link_record
from ..params import DocFilter, Page, document_summaries, page, resolve_document, store_of

router = APIRouter(tags=["provenance"])


@router.get("/api/links", summary="Document links, with the title, outlet and date of every document they name")
def list_links(
    request: Request,
    doc_id: DocFilter = None,
    relation: Annotated[Relation | None, Query(description="Only this relation.")] = None,
    p: Page = Depends(page),
) -> dict:
    with store_of(request) as store:
        doc = resolve_document(store, doc_id) if doc_id else None
        rows = [link_record(link) for link in store.links(doc, relation=relation.value if relation else None)]
        shown = rows[p.offset : p.offset + p.limit]
        named = {d for r in shown for d in (r["from_doc"], r["to_doc"])} | ({doc} if doc else set())
        documents = document_summaries(store, named)
    return p.envelope(rows, documents=documents)
