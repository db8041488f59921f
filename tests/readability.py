"""Readability figures for the guidance articles: Flesch-Kincaid grade (English) and average
sentence length (both languages), with a plain syllable counter. No Flask, no extra packages.

What a page says is read from its markdown: the summary, the "In short" lines, and every
paragraph, list item, table cell and heading of the body, except the term a glossary entry
defines ("**Term:** meaning": the term is a name, not prose). Each block ends a sentence;
inside a block, a sentence ends at . ! or ? followed by a space. Run
`python -m tests.readability` to print the figures of every article."""

import re

from markdown_it import MarkdownIt

SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
WORD = re.compile(r"[^\W_]+(?:[-'’/.,][^\W_]+)*")
VOWELS = re.compile(r"[aeiouy]+")
MARKDOWN = MarkdownIt("commonmark").enable("table")


def blocks(markdown):
    """The text of each paragraph, list item, table cell and heading, without markup."""
    texts = []
    for token in MARKDOWN.parse(markdown):
        if token.type != "inline":
            continue
        children = [child for child in token.children or () if child.content or child.type != "text"]
        if children and children[0].type == "strong_open":
            close = next(i for i, child in enumerate(children) if child.type == "strong_close")
            term = "".join(child.content for child in children[:close])
            if term.rstrip().endswith(":"):
                children = children[close + 1:]
        text = "".join(child.content for child in children if child.type in ("text", "code_inline"))
        text = text.strip()
        if text and not re.fullmatch(r"\[\[[a-z-]+\]\]", text):
            texts.append(text)
    return texts


def sentences(texts):
    """The sentences of some blocks, each as its list of words."""
    found = []
    for text in texts:
        for sentence in SENTENCE_END.split(text):
            words = WORD.findall(sentence)
            if words:
                found.append(words)
    return found


def syllables(word):
    """Vowel groups, less a silent final e; a number or a word without vowels counts as one."""
    word = word.lower()
    if not word.isalpha():
        return 1
    count = len(VOWELS.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    elif word.endswith(("es", "ed")) and len(word) > 3 and word[-3] not in "tdscxzgh" and count > 1:
        count -= 1
    return max(count, 1)


def figures(texts):
    """(sentences, words, average words per sentence, Flesch-Kincaid grade) of some blocks."""
    found = sentences(texts)
    words = [word for sentence in found for word in sentence]
    per_sentence = len(words) / len(found)
    per_word = sum(map(syllables, words)) / len(words)
    grade = 0.39 * per_sentence + 11.8 * per_word - 15.59
    return len(found), len(words), per_sentence, grade


def article_texts(article_markdown, summary, in_short):
    """What a reader reads of an article, as blocks."""
    return [summary, *in_short, *blocks(article_markdown)]


def main():
    import frontmatter

    from tests.test_guidance_content import CONTENT

    for lang in ("en", "id"):
        for path in sorted((CONTENT / lang).glob("*.md")):
            post = frontmatter.load(path)
            count, words, per_sentence, grade = figures(
                article_texts(post.content, post["summary"], post["in_short"])
            )
            print(f"{lang} {path.stem:28} {count:4} sentences {words:5} words "
                  f"{per_sentence:5.1f} words/sentence  grade {grade:4.1f}")


if __name__ == "__main__":
    main()
