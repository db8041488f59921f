"""Guidance articles: markdown files with front matter, loaded once, checked, searched.

One file per article per language: content/guidance/<lang>/<slug>.md. No Flask here."""

import datetime
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import frontmatter

from domain.guidance.markdown import ContentError
from domain.guidance.markdown import Heading
from domain.guidance.markdown import render

REQUIRED_KEYS = frozenset(
    {"slug", "title", "summary", "in_short", "audience", "topic", "order", "sources", "facts",
     "last_checked", "related"}
)
# Keys that describe the article rather than its wording: every language must agree on them.
SHARED_KEYS = ("audience", "topic", "order", "facts", "last_checked", "related")
AUDIENCES = ("residents", "officials", "landlords")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
GUIDANCE_LINK = re.compile(r"^/guidance/([^/?#]+)")
SOURCE_URL = re.compile(r"^(?P<label>.*?)[\s:]*(?P<url>https?://\S+)\s*$")
# A source that is not a government page or the text of a regulation starts with this mark.
SECONDARY_MARK = "[S2]"
FACT_ID = re.compile(r"^F\d{3}$")
IN_SHORT_MAX_LINES = 3
IN_SHORT_MAX_CHARS = 110
TOC_MIN_HEADINGS = 4
MAX_QUERY_WORDS = 8


@dataclass(frozen=True)
class Source:
    label: str
    url: str | None
    secondary: bool = False


@dataclass(frozen=True)
class Article:
    slug: str
    lang: str
    title: str
    summary: str
    in_short: tuple[str, ...]
    audience: tuple[str, ...]
    topic: str
    order: int
    sources: tuple[Source, ...]
    facts: tuple[str, ...]
    last_checked: datetime.date
    related: tuple[str, ...]
    html: str
    parts: tuple[tuple[str, str | None], ...]
    toc: tuple[Heading, ...]
    links: tuple[str, ...]
    search_text: str

    @property
    def has_toc(self):
        """Long articles get a table of contents."""
        return len(self.toc) >= TOC_MIN_HEADINGS

    @property
    def primary_audience(self):
        """The group the index lists the article under: the first audience named."""
        return self.audience[0]

    @property
    def blocks(self):
        """The names of the blocks the page template fills in (penalty note, data controller)."""
        return frozenset(block for _html, block in self.parts if block)


def fold(text):
    """Casefold and drop accents, so searches ignore case and diacritics."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def query_words(query):
    """The distinct words of a search query, folded, at most a handful."""
    words = dict.fromkeys(re.findall(r"\w+", fold(query or "")))
    return list(words)[:MAX_QUERY_WORDS]


def _source(text, where):
    if not isinstance(text, str) or not text.strip():
        raise ContentError(f"{where}: every source must be a non-empty text")
    text = text.strip()
    secondary = text.startswith(SECONDARY_MARK)
    text = text.removeprefix(SECONDARY_MARK).strip()
    match = SOURCE_URL.match(text)
    if match is None:
        return Source(text, None, secondary)
    return Source(match["label"] or match["url"], match["url"], secondary)


def _date(value, where):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ContentError(f"{where}: last_checked must be a date like 2026-11-28") from None


def _string_list(value, key, where):
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ContentError(f"{where}: {key} must be a list of texts")
    return tuple(value)


def parse(path, lang):
    """One article file, checked and rendered."""
    where = f"{lang}/{path.name}"
    try:
        post = frontmatter.loads(path.read_text(encoding="utf-8"))
    except Exception as error:  # YAML or encoding errors: name the file, whatever the parser raised
        raise ContentError(f"{where}: cannot read the front matter ({error})") from error
    meta = post.metadata
    missing, unknown = REQUIRED_KEYS - meta.keys(), meta.keys() - REQUIRED_KEYS
    if missing or unknown:
        raise ContentError(
            f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}"
        )
    if meta["slug"] != path.stem or not SLUG.match(path.stem):
        raise ContentError(
            f"{where}: slug {meta['slug']!r} must equal the file name, in-lowercase-words"
        )
    for key in ("title", "summary", "topic"):
        if not isinstance(meta[key], str) or not meta[key].strip():
            raise ContentError(f"{where}: {key} must be a non-empty text")
    in_short = _string_list(meta["in_short"], "in_short", where)
    if not 1 <= len(in_short) <= IN_SHORT_MAX_LINES or max(map(len, in_short)) > IN_SHORT_MAX_CHARS:
        raise ContentError(
            f"{where}: in_short must be 1 to {IN_SHORT_MAX_LINES} lines"
            f" of at most {IN_SHORT_MAX_CHARS} characters"
        )
    facts = _string_list(meta["facts"], "facts", where)
    if not facts or not all(FACT_ID.match(fact) for fact in facts):
        raise ContentError(f"{where}: facts must list the fact ids the article rests on, like F045")
    audience = _string_list(meta["audience"], "audience", where)
    if not audience or not set(audience) <= set(AUDIENCES):
        raise ContentError(f"{where}: audience must be a non-empty subset of {list(AUDIENCES)}")
    if not isinstance(meta["order"], int) or isinstance(meta["order"], bool):
        raise ContentError(f"{where}: order must be a whole number")
    if not isinstance(meta["sources"], list) or not meta["sources"]:
        raise ContentError(
            f"{where}: list at least one source (law and article, or the office's page)"
        )
    parts, toc, links, text = render(post.content, where)
    return Article(
        slug=meta["slug"],
        lang=lang,
        title=meta["title"].strip(),
        summary=meta["summary"].strip(),
        in_short=in_short,
        audience=audience,
        topic=meta["topic"].strip(),
        order=meta["order"],
        sources=tuple(_source(item, where) for item in meta["sources"]),
        facts=facts,
        last_checked=_date(meta["last_checked"], where),
        related=_string_list(meta["related"], "related", where),
        html="".join(html for html, _block in parts),
        parts=parts,
        toc=toc,
        links=links,
        search_text=fold(" ".join((meta["title"], meta["summary"], *in_short, text))),
    )


class Library:
    """All articles in all languages, kept in memory."""

    def __init__(self, articles, version):
        self._articles = articles  # {lang: {slug: Article}}
        self.version = version

    @property
    def slugs(self):
        """Every article's slug; the same in each language."""
        return frozenset(next(iter(self._articles.values())))

    def get(self, lang, slug):
        """The article in this language, or None."""
        return self._articles[lang].get(slug)

    def articles(self, lang):
        """Every article in this language, in reading order."""
        return sorted(self._articles[lang].values(), key=lambda a: (a.order, a.slug))

    def by_audience(self, lang):
        """{audience: articles}: each article once, under the first audience it names."""
        return {
            audience: [a for a in self.articles(lang) if a.primary_audience == audience]
            for audience in AUDIENCES
        }

    def search(self, lang, query):
        """Articles containing every word of the query; title matches first, then summary."""
        words = query_words(query)
        if not words:
            return []
        hits = []
        for article in self.articles(lang):
            if all(word in article.search_text for word in words):
                title, summary = fold(article.title), fold(article.summary)
                rank = (-sum(w in title for w in words), -sum(w in summary for w in words))
                hits.append((rank, article.order, article))
        return [article for _rank, _order, article in sorted(hits, key=lambda hit: hit[:2])]


def _check_translations(articles, languages):
    slug_sets = {lang: set(articles[lang]) for lang in languages}
    everyone = set.union(*slug_sets.values())
    for lang, slugs in slug_sets.items():
        if slugs != everyone:
            raise ContentError(f"{lang}: missing translations of {sorted(everyone - slugs)}")
    first, *others = languages
    for slug in sorted(everyone):
        for lang in others:
            for key in SHARED_KEYS:
                mine = getattr(articles[first][slug], key)
                theirs = getattr(articles[lang][slug], key)
                if key in ("related", "facts"):  # lists whose order carries no meaning
                    mine, theirs = sorted(mine), sorted(theirs)
                if mine != theirs:
                    raise ContentError(f"{slug}: {key} differs between {first} and {lang}")


def _check_links(articles):
    for by_slug in articles.values():
        for article in by_slug.values():
            where = f"{article.lang}/{article.slug}.md"
            for slug in article.related:
                if slug not in by_slug or slug == article.slug:
                    raise ContentError(f"{where}: related article {slug!r} does not exist")
            for href in article.links:
                match = GUIDANCE_LINK.match(href)
                if match and match[1] not in by_slug:
                    raise ContentError(f"{where}: link {href} points to no article")


def load(directory, languages):
    """Read, check and render every article; raises ContentError with the file at fault.
    Rendering takes a while, so the same files (by their contents) are rendered once per
    process: every app made from them shares the immutable Library."""
    directory = Path(directory)
    digest = hashlib.sha256()
    for lang in languages:
        files = sorted((directory / lang).glob("*.md"))
        if not files:
            raise ContentError(f"{directory / lang}: no articles")
        for path in files:
            digest.update(f"{lang}/{path.name}".encode() + path.read_bytes())
    return _load(directory, tuple(languages), digest.hexdigest()[:16])


@lru_cache(maxsize=8)
def _load(directory, languages, version):
    articles = {}
    for lang in languages:
        articles[lang] = {path.stem: parse(path, lang)
                          for path in sorted((directory / lang).glob("*.md"))}
    _check_translations(articles, list(languages))
    _check_links(articles)
    return Library(articles, version)
