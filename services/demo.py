"""Demo data: the six kelurahan of Kecamatan Belakang Padang and three accounts to try the app."""

from functools import cache

from flask import current_app

from domain import Role
from extensions import db
from models import User
from models import Village
from models import hash_secret

DEMO_PASSWORD = "demo12345"
VILLAGE_NAMES = ("Tanjung Sari", "Sekanak Raya", "Pemping", "Kasu", "Pecong", "Pulau Terong")
OFFICER_VILLAGES = ("Tanjung Sari", "Sekanak Raya", "Pemping")
OFFICIAL_VILLAGE = "Tanjung Sari"


def demo_password_hash():
    """The demo accounts' shared hash, made once per process and hash method (slow on purpose)."""
    return _demo_hash(current_app.config["PASSWORD_HASH_METHOD"])


@cache
def _demo_hash(_method):
    return hash_secret(DEMO_PASSWORD)


def seed_demo():
    """Create the demo villages and accounts; the caller checks the database is empty."""
    villages = {
        name: Village(
            name=name,
            kecamatan="Belakang Padang",
            kabupaten="Kota Batam",
            province="Kepulauan Riau",
        )
        for name in VILLAGE_NAMES
    }
    db.session.add_all(villages.values())
    accounts = [
        User(username="admin", full_name="Admin Kantor Imigrasi", role=Role.ADMIN),
        User(
            username="petugas",
            full_name="Petugas PIMPASA",
            role=Role.OFFICER,
            villages=[villages[name] for name in OFFICER_VILLAGES],
        ),
        User(
            username="desa",
            full_name="Perangkat Kelurahan Tanjung Sari",
            role=Role.OFFICIAL,
            phone="",
            village=villages[OFFICIAL_VILLAGE],
        ),
    ]
    for account in accounts:
        account.password_hash = demo_password_hash()
    db.session.add_all(accounts)
    db.session.commit()
    return villages, accounts
