"""Issue 12: the guidance a legal review would sign. Facts, corrections, readability, the office's
contact, the privacy page and the two languages agreeing."""

import re
from collections import Counter

import frontmatter
import pytest
from babel.messages.pofile import read_po

from config import BASE_DIR
from tests.readability import article_texts
from tests.readability import blocks
from tests.readability import figures
from tests.test_guidance import get
from tests.test_guidance_content import CONTENT
from tests.test_guidance_content import FACTS_FILE
from tests.test_guidance_content import LANGUAGES
from tests.test_guidance_content import raw_files

needs_facts = pytest.mark.skipif(not FACTS_FILE.exists(), reason=f"no facts file at {FACTS_FILE}")
MAX_ENGLISH_GRADE = 9.0
MAX_INDONESIAN_WORDS_PER_SENTENCE = 12
NEW_TOPICS = (
    "employing-visitors", "mixed-marriage-family", "islanders-crossing-borders", "working-abroad-safely",
    "foreigner-in-distress", "sponsors-duties", "foreigner-rights-supervision",
)


def library(app):
    return app.extensions["guidance"]


def facts_file():
    """({fact id: tag}, {superseded id: the id that replaces it}) from the facts file."""
    text = FACTS_FILE.read_text()
    tags = {}
    for fact, tag in re.findall(r"\*{0,2}(F\d{3})\s*(\[(?:S|S2|U)\])?\*{0,2}", text):
        if tag and fact not in tags:
            tags[fact] = tag.strip("[]")
    tags["F160"] = tags.get("F160", "S")  # the emergency numbers are stated without a tag
    section16 = text[text.index("## 16."):]
    superseded = {}
    for bullet in re.split(r"\n- ", section16):
        arrow = re.match(r"(F\d{3}(?:/F\d{3})*) → \*\*(F\d{3})", bullet)
        if arrow:  # "F043 → **F145 [S2]** ... F044 is resolved": both are replaced by F145
            for fact in [*arrow[1].split("/"), *re.findall(r"(F\d{3}) is resolved", bullet)]:
                superseded[fact] = arrow[2]
    return tags, superseded


# Point 8: every article lists its facts; none is unconfirmed or superseded.

@needs_facts
def test_every_article_lists_facts_none_unconfirmed_or_superseded():
    tags, superseded = facts_file()
    assert {"F043", "F044", "F074", "F057"} <= superseded.keys()
    assert {superseded[f] for f in ("F043", "F044", "F074", "F057")} == {"F145", "F146", "F147"}
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            facts = post["facts"]
            assert facts, (lang, slug)
            for fact in facts:
                assert fact in tags, (lang, slug, fact, "not in the facts file")
                assert tags[fact] != "U", (lang, slug, fact, "unconfirmed")
                assert fact not in superseded, (lang, slug, fact, "replaced by", superseded.get(fact))


@needs_facts
def test_claims_on_secondary_facts_are_attributed_or_marked_to_be_confirmed(app):
    """Point 1 and 4: an article resting on [S2] facts marks a secondary source and attributes."""
    tags, _superseded = facts_file()
    attribution = re.compile(
        r"(?i)according to|to be confirmed|news report|menurut|perlu dikonfirmasi|\(berita|dari berita"
    )
    for lang in LANGUAGES:
        for article in library(app).articles(lang):
            if any(tags[fact] == "S2" for fact in article.facts):
                assert any(source.secondary for source in article.sources), (lang, article.slug)
                body = (CONTENT / lang / f"{article.slug}.md").read_text()
                assert attribution.search(frontmatter.loads(body).content), (lang, article.slug)


# Point 1: the errors the review listed are gone, in both languages and in the interface.

WRONG = {
    "Pasal 118 is 'dan', not 'atau'": (
        r"(?i)sponsor[^\n]*5 years'? (imprisonment|in prison) or|penjamin[^\n]*penjara 5 tahun atau"
    ),
    "Pasal 123 is 'dan', not 'dan/atau'": r"Pasal 123[^\n]*(and/or|dan/atau)",
    "Pasal 75 speaks of activities": (
        r"(?i)dangerous foreigners?|foreigner who is dangerous|orang asing yang berbahaya"
    ),
    "the lodging duty is the owner's, when asked": (
        r"(?i)anyone who gives a foreigner a place to stay,? (from|must)|"
        r"siapa pun yang memberi tempat menginap[^.\n]*wajib"
    ),
    "the reporter's identity may be needed": r"(?i)identity is not included|identitas pelapor tidak ikut",
    "not only immigration officers": (
        r"(?i)only an immigration officer|hanya pejabat imigrasi|yang berhak meminta paspor"
    ),
    "hosts delete passport copies": r"(?i)store guests' passport photos|simpan foto paspor",
    "smuggled people": r"(?i)(detention|detained) and deport|detensi dan deportasi",
    "KUHP 457 may change too": r"(?i)note above does not apply|catatan di atas tidak berlaku",
    "one source of PIMPASA contact": r"(?i)ask the PIMPASA officer|Ke PIMPASA,",
    "cannot go home is distress": (
        r"(?i)run out, or that they cannot go home|sudah habis, atau tidak bisa pulang"
    ),
}


@pytest.mark.parametrize("mistake", WRONG)
def test_the_errors_found_by_the_review_are_gone(mistake):
    pattern = re.compile(WRONG[mistake])
    for lang in LANGUAGES:
        for path in sorted((CONTENT / lang).glob("*.md")):  # front matter (summary, In short) too
            assert not pattern.search(path.read_text()), (mistake, lang, path.stem)


def test_the_corrected_formulas_and_duties_are_stated(app):
    for lang, words in {"en": ("any person", "**and**", "owner or manager of a lodging place"),
                        "id": ("Setiap orang", "**dan**", "Pemilik atau pengurus tempat penginapan")}.items():
        penalties = (CONTENT / lang / "penalties.md").read_text()
        assert words[0].lower() in penalties.lower() and "Pasal 123 huruf a" in penalties
        assert re.search(r"Pasal 118\.\*\*[^\n]*" + re.escape(words[1]), penalties), lang
        assert words[2] in (CONTENT / lang / "lodging-report-duty.md").read_text()
        marriage = (CONTENT / lang / "mixed-marriage-family.md").read_text()
        assert "Pasal 63" in marriage and "Pasal 61" in marriage and "UU 12/2006" in marriage
        assert "Perpres 125/2016" in (CONTENT / lang / "trafficking-smuggling.md").read_text()


def test_interface_strings_about_the_law_follow_the_facts():
    """The form hints state the law as the pages do (Pasal 72(2)), in both languages."""
    from domain import Category
    from web.report_forms import CATEGORY_HINTS

    lodging = CATEGORY_HINTS[Category.LODGING]._args[0]
    assert "Whoever lodges" not in lodging and "when asked" in lodging and "APOA" in lodging
    with open(BASE_DIR / "translations" / "id" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    indonesian = catalog[lodging].string
    assert "jika diminta" in indonesian and "Siapa pun yang memberi tempat" not in indonesian
    family = CATEGORY_HINTS[Category.FAMILY]._args[0]
    assert "ask the office" in family


# Point 2: seven new topics, in both languages, each with sources.

def test_the_seven_topics_have_articles_with_sources(app):
    for slug in NEW_TOPICS:
        for lang in LANGUAGES:
            article = library(app).get(lang, slug)
            assert article is not None and len(article.sources) >= 2, (lang, slug)
    distress = (CONTENT / "en" / "foreigner-in-distress.md").read_text()
    assert all(number in distress for number in ("112", "110", "115"))
    rights = (CONTENT / "en" / "foreigner-rights-supervision.md").read_text()
    assert "in writing" in rights and "object" in rights and "go to the office themselves" in rights


# Point 3: readability.

def readability(lang):
    for slug, post in raw_files(lang).items():
        yield slug, figures(article_texts(post.content, post["summary"], post["in_short"]))


def test_english_pages_read_at_grade_nine_or_below():
    for slug, (_sentences, _words, _per_sentence, grade) in readability("en"):
        assert grade <= MAX_ENGLISH_GRADE, (slug, round(grade, 1))


def test_indonesian_sentences_average_under_twelve_words():
    for slug, (_sentences, _words, per_sentence, _grade) in readability("id"):
        assert per_sentence < MAX_INDONESIAN_WORDS_PER_SENTENCE, (slug, round(per_sentence, 1))


def test_the_readability_measure_counts_as_expected():
    from tests.readability import syllables

    assert [syllables(w) for w in ("the", "office", "immigration", "people", "stayed", "2026")] == [
        1, 2, 4, 2, 1, 1]
    count, words, per_sentence, grade = figures(["The cat sat. The dog ran far away!"])
    assert (count, words, per_sentence) == (2, 8, 4.0)
    assert grade < 0  # very short words and sentences
    assert blocks("- **Term, meaning:** a plain text.\n\n[[penalty-note]]\n") == ["a plain text."]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_opens_with_an_in_short_box_of_at_most_three_lines(app, client, lang):
    for article in library(app).articles(lang):
        html = get(client, f"/guidance/{article.slug}", lang).data.decode()
        after_title = html.split(f"<h1>{article.title}</h1>", 1)[1].lstrip()
        assert after_title.startswith('<aside class="card in-short"'), article.slug
        box = after_title.split("</aside>", 1)[0]
        assert 1 <= box.count("<li>") <= 3, article.slug


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_penalty_note_is_three_short_lines_with_the_detail_folded(app, client, lang):
    pages = [a for a in library(app).articles(lang) if "penalty-note" in a.blocks]
    assert {"penalties", "lodging-report-duty", "sponsors-duties"} <= {a.slug for a in pages}
    for article in pages:
        html = get(client, f"/guidance/{article.slug}", lang).data.decode()
        note = html.split('<aside class="card penalty-note"', 1)[1].split("</aside>", 1)[0]
        shown, folded = note.split("<details>", 1)
        lines = [line for line in re.split(r"<br>|</p>", re.sub(r"\s+", " ", shown)) if
                 re.sub(r"<[^>]+>", "", line).strip()]
        assert len(lines) == 3, (article.slug, lines)
        assert all(len(re.sub(r"<[^>]+>", "", line).split()) <= 14 for line in lines), lines
        assert "<summary>" in folded and "UU 1/2026" in folded and "kategori" in folded.lower() or \
            "category" in folded


# Legal terms and acronyms are explained at first use, or linked to the glossary.
TERMS = ("kurungan", "pidana pokok", "kategori denda", "alih status", "SPLP", "TPI", "KUHP")


def test_legal_terms_are_explained_at_first_use():
    for lang in LANGUAGES:
        for slug, post in raw_files(lang).items():
            if slug == "glossary":
                continue
            body = post.content
            for term in TERMS:
                # The office's own name ("Kelas II TPI Belakang Padang") is a name, not the term.
                match = re.search(rf"(?<![\w/])(?<!Kelas II ){re.escape(term)}(?!\w)", body, re.I)
                if not match:
                    continue
                before, after = body[max(0, match.start() - 3):match.start()], body[match.end():]
                explained = (
                    "(" in before
                    or re.match(r"\*{0,2}\)?\*{0,2},? \(|\*{0,2} \(|\*\* \(", after)
                    or re.match(r"[^(\n]{0,12}\(", after)
                    or re.match(r"\*{0,2},? (yaitu|artinya|adalah|which means|means|is|a|an)\b", after)
                    or re.match(r"\*{0,2}, [A-Z]\w+ \w+ \w+", after)  # "SPLP, Surat Perjalanan ..."
                    or after.startswith("](/guidance/glossary")
                )
                assert explained, (lang, slug, term, body[match.start() - 40:match.end() + 40])


def test_the_timpora_page_leads_with_what_it_means_for_residents(app):
    for lang, heading in (("en", "What it means for you"), ("id", "Artinya bagi Anda")):
        article = library(app).get(lang, "timpora")
        assert article.toc[0].text == heading
        for acronym in ("BIN", "BAIS", "BNN", "PSDKP", "Kesbangpol", "Satpol PP", "Disnaker"):
            assert f"| {acronym} |" in (CONTENT / lang / "timpora.md").read_text(), acronym


# Point 4: what "last checked" means, and which sources are secondary.

@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_say_what_was_checked_and_mark_secondary_sources(app, client, lang):
    for article in library(app).articles(lang):
        html = get(client, f"/guidance/{article.slug}", lang).data.decode()
        assert {"en": "Claims checked against the sources below on",
                "id": "Isi halaman dicocokkan dengan sumber di bawah pada"}[lang] in html
        sources = html.split('<section class="sources"', 1)[1].split("</section>", 1)[0]
        tag = {"en": "secondary source", "id": "sumber sekunder"}[lang]
        assert sources.count(f'class="tag secondary">{tag}<') == sum(s.secondary for s in article.sources)


INDONESIAN_WORDS = re.compile(r"\b(tentang|dan|menurut|berita|teks|bahasa|diubah|ayat|tinjauan|sampai)\b")


def test_english_pages_label_their_sources_in_english(app):
    for article in library(app).articles("en"):
        for source in article.sources:
            label = re.sub(r"'[^']*'", "", source.label)  # a quoted Indonesian title may stay
            assert not INDONESIAN_WORDS.search(label), (article.slug, source.label)


# Point 5: the office's contact from settings, on every page; an honest line without it.

OFFICE = {
    "OFFICE_ADDRESS": "Jl. Contoh No. 1, Belakang Padang",
    "OFFICE_PHONE": "0778 000000",
    "OFFICE_HOURS": "Senin-Jumat 08.00-16.00",
    "PIMPASA_OFFICER": "Petugas Contoh",
}


def test_every_page_shows_the_office_contact_from_settings(app, client):
    for lang in LANGUAGES:
        for article in library(app).articles(lang):
            html = get(client, f"/guidance/{article.slug}", lang).data.decode()
            box = html.split('id="office-contact"', 1)[1].split("</aside>", 1)[0]
            assert app.config["OFFICE_NAME"] in box
            assert {"en": "has not been given the office's address",
                    "id": "belum diisi di aplikasi ini"}[lang] in box
            assert {"en": "No PIMPASA officer", "id": "Belum ada PIMPASA"}[lang] in box
            assert "112" in html
    app.config.update(OFFICE)
    app.extensions.pop("release_digest", None)
    for article in library(app).articles("en"):
        box = get(client, f"/guidance/{article.slug}", "en").data.decode().split('id="office-contact"')[1]
        for value in OFFICE.values():
            assert value in box, (article.slug, value)
        assert 'href="tel:0778000000"' in box
        assert "has not been given" not in box and "No PIMPASA officer" not in box


def test_changing_the_office_settings_changes_the_pages_etag(app, client):
    first = get(client, "/guidance/faq", "en").headers["ETag"]
    app.config["OFFICE_PHONE"] = "0778 000000"
    app.extensions.pop("release_digest", None)
    assert get(client, "/guidance/faq", "en").headers["ETag"] != first


# Point 7: the privacy page names the controller, the retention period and where to ask.

@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_privacy_page_names_controller_retention_and_where_to_ask(app, client, lang):
    html = get(client, "/guidance/ethics-personal-data", lang).data.decode()
    box = html.split('<aside class="card data-controller"', 1)[1].split("</aside>", 1)[0]
    assert app.config["OFFICE_NAME"] in box
    assert app.config["RETENTION_DAYS"] == 730
    assert {"en": "730 days after a report is closed", "id": "730 hari setelah laporan ditutup"}[lang] in box
    assert "UU 27/2022" in box and 'href="#office-contact"' in html
    app.config["RETENTION_DAYS"] = 365
    app.extensions.pop("release_digest", None)
    html = get(client, "/guidance/ethics-personal-data", lang).data.decode()
    box = html.split('<aside class="card data-controller"', 1)[1].split("</aside>", 1)[0]
    assert {"en": "365 days after a report is closed", "id": "365 hari setelah laporan ditutup"}[lang] in box


# Point 8: both languages carry the same articles, headings, numbers and links.

def numbers(text):
    """The numbers of a text, thousands separators removed ("Rp25.000.000" = "Rp25,000,000")."""
    text = re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", text)
    return Counter(re.findall(r"\d+", text))


def headings(text):
    return [len(marks) for marks in re.findall(r"^(#{2,4}) ", text, re.M)]


@pytest.mark.parametrize("slug", sorted(path.stem for path in (CONTENT / "en").glob("*.md")))
def test_both_languages_have_the_same_headings_numbers_and_links(app, slug):
    english, indonesian = (frontmatter.load(CONTENT / lang / f"{slug}.md") for lang in ("en", "id"))
    assert headings(english.content) == headings(indonesian.content)
    assert numbers(english.content) == numbers(indonesian.content), (
        numbers(english.content) - numbers(indonesian.content),
        numbers(indonesian.content) - numbers(english.content))
    assert len(english["in_short"]) == len(indonesian["in_short"])
    assert len(english["sources"]) == len(indonesian["sources"])
    links = [library(app).get(lang, slug).links for lang in ("en", "id")]
    assert sorted(links[0]) == sorted(links[1])
    assert [s.url for s in library(app).get("en", slug).sources] == [
        s.url for s in library(app).get("id", slug).sources]
    assert library(app).get("en", slug).blocks == library(app).get("id", slug).blocks


def test_the_index_fits_about_three_phone_screens(app, client):
    """Point 6 without a browser: titles only, no summaries, in the grouped lists."""
    html = get(client, "/guidance/", "en").data.decode()
    groups = html.split('class="guidance-jump', 1)[1]
    assert "<p>" not in groups.split("</main>")[0]
    assert len(re.findall(r'class="card-title"', groups)) == len(library(app).articles("en"))
