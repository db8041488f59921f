"""The guidance articles as files: both languages, front matter, sources, and the facts file."""

import datetime
import os
import re
from pathlib import Path

import frontmatter
import pytest

from app import create_app
from config import BASE_DIR
from domain import guidance

CONTENT = BASE_DIR / "content" / "guidance"
LANGUAGES = ("id", "en")
# The project's shared folder sits beside the checkout, in development and in CI alike.
FACTS_FILE = Path(
    os.environ.get(
        "GUIDANCE_FACTS_FILE", BASE_DIR.parent / "shared" / "reference" / "immigration-law-facts.md"
    )
)
# The issue's topics, each with the article that covers it and words it must explain.
TOPICS = {
    "desa-binaan-pimpasa": ["PIMPASA", "Desa Binaan"],
    "foreigners-visas-permits": ["ITK", "ITAS", "ITAP"],
    "foreigners-obligations": ["Pasal 71"],
    "lodging-report-duty": ["Pasal 72", "APOA"],
    "how-to-report": ["/tips/new"],
    "signs-of-violations": ["overstay"],
    "penalties": ["UU 6/2011", "UU 1/2026"],
    "trafficking-smuggling": ["TPPO", "TPPM"],
    "mixed-marriage-family": ["ITAS", "ITAP"],
    "ethics-personal-data": ["UU 27/2022"],
    "timpora": ["TIMPORA"],
    "faq": [],
}


@pytest.fixture(scope="module")
def library():
    return guidance.load(CONTENT, LANGUAGES)


def raw_files(lang):
    return {path.stem: frontmatter.load(path) for path in sorted((CONTENT / lang).glob("*.md"))}


def all_articles(library):
    return [article for lang in LANGUAGES for article in library.articles(lang)]


def test_at_least_twelve_articles_in_both_languages_with_the_same_slugs_and_keys():
    indonesian, english = raw_files("id"), raw_files("en")
    assert len(indonesian) >= 12
    assert indonesian.keys() == english.keys()
    for slug in indonesian:
        assert indonesian[slug]["slug"] == english[slug]["slug"] == slug
        assert indonesian[slug].keys() == english[slug].keys() == guidance.REQUIRED_KEYS, slug


def test_every_topic_of_the_issue_has_its_article(library):
    for slug, terms in TOPICS.items():
        for lang in LANGUAGES:
            article = library.get(lang, slug)
            assert article is not None, (lang, slug)
            body = (CONTENT / lang / f"{slug}.md").read_text()
            for term in terms:
                assert term in body, (lang, slug, term)


def test_every_article_lists_sources_and_a_last_checked_date(library):
    for article in all_articles(library):
        assert article.sources and all(source.label for source in article.sources), article.slug
        assert isinstance(article.last_checked, datetime.date), article.slug
        assert article.last_checked <= datetime.date.today(), article.slug


# A line that states a criminal penalty: prison or detention, and a term in months or years.
PENALTY_LINE = re.compile(
    r"(?i)(?=.*(kurungan|penjara|prison|imprisonment))(?=.*\d+ (months?|years?|bulan|tahun)\b)"
)


def test_penalties_carry_the_2026_caveat(library):
    """A criminal penalty is stated only after the note that UU 1/2026 may have changed it."""
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            lines = post.content.split("\n")
            stated = [number for number, line in enumerate(lines) if PENALTY_LINE.search(line)]
            if stated:
                assert "[[penalty-note]]" in lines[: stated[0]], (lang, slug, lines[stated[0]])
                assert "penalty-note" in library.get(lang, slug).blocks


def test_the_overstay_rate_is_never_stated_without_its_source_and_a_check(library):
    """F083: whether PP 45/2024 kept Rp1,000,000 a day is unconfirmed."""
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            for paragraph in post.content.split("\n"):
                if re.search(r"Rp1[.,]000[.,]000 per (day|hari)", paragraph):
                    assert "PP 28/2019" in paragraph, (lang, slug)
                    assert "check the latest rate" in paragraph or "periksa tarif terbaru" in paragraph


# Facts the facts file marks [U]: none may appear as a plain statement. Section 16 of the facts
# file settled F005 (UU 6/2023, now F149), F044 (Pasal 118, now F145) and F025 (Pasal 1 angka 32,
# now F150), so they are no longer here.
UNCONFIRMED_CLAIMS = {
    "F011 Kepri regional office name": r"Kanwil Ditjen Imigrasi Kepulauan Riau",
    "F075 forgery penalty": r"Pasal 126",
    "F087 operation name": r"Tresna|Kresna",
    "F099 PIMPASA founding regulation": r"(Permen|Kepmen)\w* [^.\n]*PIMPASA",
    "F123 data-security article": r"Pasal 35",
    "F139 migrant-worker penalty article": r"UU 18/2017 Pasal",
    "F056 public-participation article": r"(?i)(peran serta masyarakat|public participation)\W+\(?Pasal",
    "F064 TIMPORA regulation revoked": (
        r"(?i)(mencabut|dicabut|revoke|replace|menggantikan)[^.\n]*(50/2016|4/2017)"
    ),
}


@pytest.mark.parametrize("claim", UNCONFIRMED_CLAIMS)
def test_unconfirmed_facts_are_not_stated(claim):
    pattern = re.compile(UNCONFIRMED_CLAIMS[claim])
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            assert not pattern.search(post.content), (claim, lang, slug)


def test_hedged_unconfirmed_facts_keep_their_hedge():
    """F102 (24-hour deadline), F114 (PLB here), F098 (our kelurahan coached?), F050 (data list)."""
    hedges = [
        ("en", "desa-binaan-pimpasa", "could not be confirmed from our sources"),
        ("id", "desa-binaan-pimpasa", "belum bisa kami pastikan dari sumber yang ada"),
        ("en", "lodging-report-duty", "Ask the immigration office for the full list"),
        ("id", "lodging-report-duty", "Daftar lengkapnya tanyakan ke Kantor Imigrasi"),
        ("en", "lodging-report-duty", "We have not found the legal basis for the 24-hour limit"),
        ("id", "lodging-report-duty", "Dasar hukum batas 24 jam belum kami temukan"),
        ("en", "faq", "PLB applies to residents of Belakang Padang or Batam **has not been confirmed**"),
        ("id", "faq", "PLB berlaku untuk warga Belakang Padang atau Batam **belum dapat kami pastikan**"),
    ]
    for lang, slug, hedge in hedges:
        assert hedge in (CONTENT / lang / f"{slug}.md").read_text(), (lang, slug, hedge)


def test_no_phone_numbers_in_the_articles():
    phone = re.compile(r"(\+62|\(0\d{2,3}\)|\b0\d{2,3}[- ]?\d{4,}|\b08\d{6,})")
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            assert not phone.search(post.content), (lang, slug)


def article_numbers(text):
    """Every number cited after "Pasal", lists and ranges included ("Pasal 113, 114(1) dan 117")."""
    numbers = set()
    for cited in re.findall(r"Pasal ((?:\d+(?:\(\d+\))?(?:, | dan | and |–)?)+)", text):
        numbers |= set(re.findall(r"\b(\d+)\b(?!\))", cited))
    return numbers


UNITS = {"": 1, "juta": 10**6, "million": 10**6, "miliar": 10**9, "billion": 10**9}


def rupiah_amounts(text, prefixed=True):
    """Amounts in rupiah ("Rp25.000.000", "Rp37 juta"); the facts file also writes "600 million"."""
    amounts = set()
    pattern = r"(Rp ?)?(\d(?:[\d.,]*\d)?)(?: (juta|million|miliar|billion)\b)?"
    for prefix, digits, unit in re.findall(pattern, text):
        if prefix or (unit and not prefixed):
            amounts.add(int(re.sub(r"\D", "", digits)) * UNITS[unit])
    return amounts


@pytest.mark.skipif(not FACTS_FILE.exists(), reason=f"facts file not found at {FACTS_FILE}")
def test_article_numbers_and_amounts_all_come_from_the_facts_file():
    """No invented Pasal number or rupiah amount: each one appears in the facts file."""
    facts = FACTS_FILE.read_text()
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            text = post.content + "\n".join(post["sources"])
            assert article_numbers(text) <= article_numbers(facts), (lang, slug)
            assert rupiah_amounts(text) <= rupiah_amounts(facts, prefixed=False), (lang, slug)


# The loader's checks, on a content folder of our own.

def write_article(root, lang, name, body="## One\n\nText.\n", **meta):
    values = {
        "slug": name,
        "title": f"Title {name} {lang}",
        "summary": f"Summary of {name}.",
        "in_short": ["One short line."],
        "audience": ["residents"],
        "topic": "law",
        "order": 1,
        "sources": ["UU 6/2011 Pasal 48: https://example.org/pasal-48"],
        "facts": ["F026"],
        "last_checked": datetime.date(2026, 11, 28),
        "related": [],
    }
    values.update(meta)
    values = {key: value for key, value in values.items() if value is not None}
    folder = Path(root) / lang
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(frontmatter.dumps(frontmatter.Post(body, **values)))


def load_pair(tmp_path, id_meta=None, en_meta=None, id_body="## One\n\nText.\n"):
    write_article(tmp_path, "id", "sample", body=id_body, **(id_meta or {}))
    write_article(tmp_path, "en", "sample", **(en_meta or {}))
    return guidance.load(tmp_path, LANGUAGES)


def test_a_correct_pair_loads(tmp_path):
    library = load_pair(tmp_path)
    assert library.get("en", "sample").sources[0].url == "https://example.org/pasal-48"


@pytest.mark.parametrize(
    ("id_meta", "message"),
    [
        ({"sources": None}, "missing keys ['sources']"),
        ({"sources": []}, "at least one source"),
        ({"last_checked": None}, "missing keys ['last_checked']"),
        ({"last_checked": "soon"}, "last_checked must be a date"),
        ({"slug": "other"}, "must equal the file name"),
        ({"audience": ["tourists"]}, "audience must be"),
        ({"order": "first"}, "order must be a whole number"),
        ({"title": ""}, "title must be a non-empty text"),
        ({"last-checked": "2026-01-01"}, "unknown keys ['last-checked']"),
        ({"topic": "family"}, "topic differs between id and en"),
        ({"audience": ["landlords"]}, "audience differs"),
    ],
)
def test_bad_front_matter_is_refused_with_the_file_named(tmp_path, id_meta, message):
    with pytest.raises(guidance.ContentError) as error:
        load_pair(tmp_path, id_meta=id_meta)
    assert message in str(error.value)


def test_a_missing_translation_is_refused(tmp_path):
    write_article(tmp_path, "id", "sample")
    write_article(tmp_path, "en", "sample")
    write_article(tmp_path, "id", "only-indonesian")
    with pytest.raises(guidance.ContentError, match=r"en: missing translations of \['only-indonesian'\]"):
        guidance.load(tmp_path, LANGUAGES)


def test_a_related_article_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(guidance.ContentError, match="related article 'nowhere' does not exist"):
        load_pair(tmp_path, id_meta={"related": ["nowhere"]}, en_meta={"related": ["nowhere"]})


def test_a_link_to_a_missing_article_is_refused(tmp_path):
    with pytest.raises(guidance.ContentError, match="link /guidance/nowhere points to no article"):
        load_pair(tmp_path, id_body="See [this](/guidance/nowhere).\n")


def test_a_level_one_heading_is_refused(tmp_path):
    with pytest.raises(guidance.ContentError, match="use ## for sections"):
        load_pair(tmp_path, id_body="# Second title\n")


def test_the_app_reads_the_folder_from_its_settings_and_refuses_bad_content(tmp_path, app_config):
    write_article(tmp_path, "id", "sample")
    write_article(tmp_path, "en", "sample", sources=[])
    with pytest.raises(guidance.ContentError, match="en/sample.md"):
        create_app({**app_config, "GUIDANCE_DIR": str(tmp_path)})
