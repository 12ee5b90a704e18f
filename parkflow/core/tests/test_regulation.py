"""The regulation is data: 29 articles with ids Art.1 … Art.29 (R-CPL-2, R-MON-8)."""

import pytest

from parkflow.core import regulation
from parkflow.core.models import Article, Regulation


@pytest.mark.parametrize(
    ("text", "number"), [("一", 1), ("十", 10), ("十七", 17), ("二十九", 29), ("一百零三", 103)]
)
def test_chinese_article_numbers(text, number):
    assert regulation.chinese_number(text) == number


@pytest.mark.django_db
def test_the_demo_regulation_has_twenty_nine_articles_in_order():
    current = Regulation.objects.get(code=regulation.CODE, is_current=True)
    refs = list(current.articles.values_list("ref", flat=True))
    assert refs == [f"Art.{n}" for n in range(1, 30)]
    art17 = Article.objects.get(regulation=current, ref="Art.17")
    assert "一般投诉3日内响应" in art17.text
    assert art17.chapter.startswith("第三章")


@pytest.mark.django_db
def test_loading_twice_does_not_duplicate():
    regulation.load(Regulation, Article)
    assert Article.objects.filter(regulation__code=regulation.CODE).count() == 29


@pytest.mark.django_db
def test_every_article_a_rule_or_gate_cites_exists():
    from parkflow.core.gates import GATES
    from parkflow.core.rules import REGISTRY

    cited = {a for r in REGISTRY.values() for a in r.articles} | {g.article for g in GATES.values()}
    known = set(Article.objects.values_list("ref", flat=True))
    # A citation may name an item of an article (Art.27(三)): the article itself must exist.
    assert {ref.split("(")[0] for ref in cited} <= known
    # … and each reads as the regulation writes it (第二十七条（三）).
    assert all(regulation.article_label(ref) != ref for ref in cited)
