"""Near-duplicate bookkeeping: MinHash signatures of stored texts and links to first copies.

A document's `duplicate_of` names the first stored copy of its group (never a chain), so a
group is every document sharing that value plus the first copy itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, func, or_, select

from alliancemap.store.records import GroupMember, NearDuplicateGroup
from alliancemap.store.schema import documents, signatures
from alliancemap.store.sqlutil import rows_where_in
from alliancemap.store.upsert import insert_new


def save_signatures(conn: Connection, sigs: Mapping[str, bytes | None], scheme: str) -> set[str]:
    """Store signatures of documents that have none of `scheme` yet; returns the hashes written.

    A signature of another scheme is replaced in place, keeping the document's position.
    """
    existing = dict(rows_where_in(conn, signatures.c.document_hash, sigs, signatures.c.scheme))
    present = {h for (h,) in rows_where_in(conn, documents.c.hash, sigs)}
    inserts = [
        {"document_hash": h, "scheme": scheme, "minhash": sig}
        for h, sig in sigs.items()
        if h in present and h not in existing
    ]
    replaces = [
        {"h": h, "scheme": scheme, "minhash": sig}
        for h, sig in sigs.items()
        if h in existing and existing[h] != scheme
    ]
    added = insert_new(conn, signatures, inserts, "document_hash", (signatures.c.document_hash,))
    if replaces:
        stmt = (
            signatures.update()
            .where(signatures.c.document_hash == bindparam("h"))
            .values(scheme=bindparam("scheme"), minhash=bindparam("minhash"))
        )
        conn.execute(stmt, replaces)
    return {row[0] for row in added} | {r["h"] for r in replaces}


def set_duplicates(conn: Connection, links: Mapping[str, str | None]) -> None:
    """Set each document's first copy (None: it is a first copy itself)."""
    rows = [{"h": h, "root": root if root != h else None} for h, root in links.items()]
    if rows:
        stmt = (
            documents.update()
            .where(documents.c.hash == bindparam("h"))
            .values(duplicate_of=bindparam("root"))
        )
        conn.execute(stmt, rows)


def clear_duplicates(conn: Connection) -> int:
    """Forget every near-duplicate link; returns how many there were."""
    stmt = documents.update().where(documents.c.duplicate_of.is_not(None)).values(duplicate_of=None)
    return conn.execute(stmt).rowcount


def signature_rows(conn: Connection, scheme: str) -> list[tuple[str, bytes | None, str | None]]:
    """(hash, signature, first copy) of every document signed with `scheme`, in order added."""
    stmt = (
        select(signatures.c.document_hash, signatures.c.minhash, documents.c.duplicate_of)
        .select_from(signatures.join(documents, signatures.c.document_hash == documents.c.hash))
        .where(signatures.c.scheme == scheme)
        .order_by(signatures.c.id)
    )
    return [(h, sig, root) for h, sig, root in conn.execute(stmt)]


def unsigned_hashes(conn: Connection, scheme: str) -> list[str]:
    """Hashes of documents without a `scheme` signature, in the order they were stored."""
    joined = documents.outerjoin(signatures, signatures.c.document_hash == documents.c.hash)
    stmt = (
        select(documents.c.hash)
        .select_from(joined)
        .where(or_(signatures.c.id.is_(None), signatures.c.scheme != scheme))
        .order_by(documents.c.ingested_at, documents.c.hash)
    )
    return list(conn.execute(stmt).scalars())


def texts(conn: Connection, hashes: Iterable[str]) -> dict[str, str]:
    """The text of each stored document among `hashes`."""
    return dict(rows_where_in(conn, documents.c.hash, hashes, documents.c.text))


def source_groups(conn: Connection) -> dict[str, str]:
    """Document hash -> its group's first copy, for every document in a group of two or more."""
    links = dict(
        conn.execute(
            select(documents.c.hash, documents.c.duplicate_of).where(
                documents.c.duplicate_of.is_not(None)
            )
        ).all()
    )
    return links | {root: root for root in set(links.values())}


def _member(row: Any) -> GroupMember:
    return GroupMember(row.hash, row.doc_id, row.title, row.url, row.published)


def groups(conn: Connection) -> list[NearDuplicateGroup]:
    """Every near-duplicate group, largest first, copies in the order they were stored."""
    cols = (documents.c.hash, documents.c.doc_id, documents.c.title, documents.c.url)
    copies: dict[str, list[GroupMember]] = {}
    joined = documents.outerjoin(signatures, signatures.c.document_hash == documents.c.hash)
    stmt = (
        select(*cols, documents.c.published, documents.c.duplicate_of)
        .select_from(joined)
        .where(documents.c.duplicate_of.is_not(None))
        .order_by(signatures.c.id, documents.c.hash)
    )
    for row in conn.execute(stmt):
        copies.setdefault(row.duplicate_of, []).append(_member(row))
    firsts = {
        row[0]: GroupMember(*row)
        for row in rows_where_in(conn, documents.c.hash, copies, *cols[1:], documents.c.published)
    }
    found = [
        NearDuplicateGroup(firsts.get(root) or GroupMember(root, None, None, None, None), tuple(c))
        for root, c in copies.items()
    ]
    found.sort(key=lambda g: (-g.size, g.first.doc_id or "", g.first.hash))
    return found


def count_linked(conn: Connection) -> tuple[int, int]:
    """(groups, documents linked to an earlier copy)."""
    stmt = select(
        func.count(func.distinct(documents.c.duplicate_of)), func.count(documents.c.duplicate_of)
    )
    n_groups, n_copies = conn.execute(stmt).one()
    return int(n_groups), int(n_copies)
