"""The demo reports load into the demo villages, each step recorded as a real review writes it."""

from sqlalchemy import select

from domain import EventKind
from extensions import db
from models import Report
from services.demo_reports import DEMO_REPORTS
from services.demo_reports import seed_demo_reports


def test_demo_reports_cover_the_workflow(app, client, auth):
    with app.app_context():
        seed_demo_reports()
        reports = db.session.scalars(select(Report).order_by(Report.id)).all()
        assert len(reports) == len(DEMO_REPORTS)
        assert {r.status for r in reports} == {"new", "in_review", "needs_info", "field_check", "closed"}
        for report in reports:
            assert report.events[0].kind == EventKind.CREATED
            assert report.events[-1].to_status == report.status
        waiting = next(r for r in reports if r.status == "needs_info")
        assert waiting.events[-1].kind == EventKind.INFO_REQUEST
    auth.login("desa")
    assert "menunggu jawaban" in client.get("/reports/").data.decode()
