"""Hub-admin endpoints: reading the audit log over HTTP (analysts get 403)."""

from __future__ import annotations

from typing import Optional

from fastapi import APIRouter, Depends, HTTPException, Query

from jin_hub.access import auditlog
from jin_hub.access.auditlog import Entry
from jin_hub.api.deps import FORMAT_HELP, csv_response
from jin_hub.api.security import AccessDb, data_access, get_access, require_partner
from jin_hub.spreadsheet import safe_row

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])


@router.get("/audit", summary="The audit log, newest last (hub admins only)",
            responses={200: {"content": {"text/csv": {}}}, 401: {}, 403: {}})
def audit_log(
    since: Optional[str] = Query(None, max_length=32, description="ISO date/time, inclusive"),
    until: Optional[str] = Query(None, max_length=32, description="ISO date/time, exclusive"),
    user: Optional[str] = Query(None, max_length=64),
    agency: Optional[str] = Query(None, max_length=64),
    dataset: Optional[str] = Query(None, max_length=64),
    limit: int = Query(1000, ge=1, le=100_000, description="the most recent N rows"),
    format: str = Query("json", pattern="^(json|csv)$", description=FORMAT_HELP),
    access: AccessDb = Depends(get_access),
    audit: Entry = Depends(data_access),
):
    require_partner(audit, "the audit log")
    if audit.principal.role != "admin":
        raise HTTPException(403, "only hub administrators may read the audit log")
    rows = auditlog.query(access.conn(), since, until, user, agency, dataset, limit)
    audit.rows = len(rows)
    if format == "csv":
        return csv_response(auditlog.FIELDS, (safe_row(r[f] for f in auditlog.FIELDS) for r in rows))
    return {"fields": list(auditlog.FIELDS), "entries": rows}
