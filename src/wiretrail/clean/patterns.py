"""The language of page furniture, as regular expressions grouped by kind.

Each pattern describes a kind of furniture that many sites share, never one site's strings.
The callers (`boilerplate.py`, `teasers.py`) apply them only to lines short enough for the kind,
so that a reporting sentence using the same words is left alone. Re-run `evals/text_cleaning.py`
and `pytest -k clean` after changing any of them.
"""

from __future__ import annotations

import re

# Comment and review widgets: 'Join our commenting forum', '12 Comments', 'Powered by Blogger.'
WIDGET = re.compile(
    r"""(?ix)^\W*(?:
      (?:join|leave|post|add|write|read|view|show|see|load|hide)\s+(?:(?:our|a|the|all|more|\d+)\s+)*
          (?:commenting\s+forum|comments?|discussions?|conversations?|reviews?|repl(?:y|ies))\b
    | join\s+(?:\S+\s+){0,3}conversations?\b
    | no\s+comments?\b
    | \d+\s+comments?\W*$
    | comments?\s*(?:\(\d+\))?\W*$
    | powered\s+by\s+\S+\W*$
    | be\s+the\s+first\s+to\s+comment
    | comments\s+are\s+(?:closed|open)
    | (?:rate|rating|review)\s+this\s+(?:article|story)
    )"""
)
# Calls to action: share, follow, subscribe, click, skip, advertisement slots, print/e-mail.
CALL_TO_ACTION = re.compile(
    r"""(?ix)^\W*(?:
      (?:share|tweet|pin|e-?mail|print|save|bookmark)(?:\s+(?:this|the|to|on|via|it|with))*
          (?:\s+(?:story|article|page|post|link|facebook|twitter|x|whatsapp|linkedin|reddit
                  |email|a\s+friend))*\W*$
    | (?:share|follow)\s+(?:us|this)\b
    | (?:follow|read|see)\s+(?:more\s+)?(?:of\s+)?\S+\s+(?:full\s+)?coverage\s+of\b
    | (?:why\s+not\s+)?follow\s+(?:\S+\s+){0,3}(?:on\s+)?(?:twitter|facebook|instagram|whatsapp|telegram|tiktok|youtube
          |channel|social\s+media)\b
    | (?:sign\s+up|subscribe|register|log\s*in|sign\s+in)\b
    | (?:click|tap)\s+here\b
    | (?:skip|jump)\s+to\s+(?:the\s+)?(?:main\s+)?(?:content|navigation|article)
    | back\s+to\s+(?:top|home)\b
    | (?:advertisement|advertisements|advertising|advertise\s+(?:here|with\s+us)
       |sponsored(?:\s+content)?|ads?|promoted)\W*$
    | story\s+continues\s+below
    | read\s+about\s+our\s+approach\s+to\s+external\s+linking
    | (?:you\s+can\s+(?:also\s+)?)?(?:send|e-?mail)\s+(?:us\s+)?(?:your\s+)?(?:story\s+)?(?:ideas|suggestions|tips)\b
    | if\s+you\s+have\s+a\s+story\s+(?:suggestion|idea|tip)\b
    | find\s+bbc\s+news\b
    | (?:printer[-\s]friendly|print\s+this|e-?mail\s+(?:this|story|article|to\s+a\s+friend))
    )"""
)
# Moving between pages and stories: 'Next story »', '1 of 3', 'License this story'.
NAVIGATION = re.compile(
    r"""(?ix)^\W*(?:
      (?:next|previous|prev|older|newer)
          (?:\s+(?:story|stories|article|articles|post|page|entry|item))?\s*(?:[:»›>]|$)
    | (?:see|read|go\s+to)\s+(?:the\s+)?next\s+(?:story|article|page)\b
    | (?:page\s+)?\d+\s+of\s+\d+\W*$
    | page\s+\d+\W*$
    | (?:license|reprint|republish)\s+this\s+(?:story|article)
    | send\s+(?:comments|feedback|us\s+feedback|a\s+letter(?:\s+to\s+the\s+editor)?)\W*$
    | (?:printable|print)\s+version\W*$
    )"""
)
# Notes about the article: where it ran in print, who took the picture.
NOTE = re.compile(
    r"""(?ix)^\W*(?:
      from\s+the\s+.{3,40}\s+issue\s+of\b
    | (?:a\s+version\s+of\s+)?this\s+(?:article|story)\s+(?:first\s+)?appear(?:ed|s)
          \s+(?:in\s+(?:the\s+)?print|on\s+page)
    | a\s+version\s+of\s+this\s+(?:article|story)\s+appears?\s+in\s+print
    | (?:photo|image|picture)s?\s+(?:credit|courtesy)\b
    | (?:image\s+)?credit\s*:
    | this\s+(?:photo|picture|image|video)\s+was\s+(?:taken|filmed|shot)\s+during\s+a\s+trip\s+organi[sz]ed\s+by
    )"""
)
# Reader callouts at the foot of regional pages: 'Please include your name, age and location'.
CALLOUT = re.compile(
    r"""(?ix)^\W*(?:
      please\s+include\s+(?:your|a)\s+(?:name|contact)
    | sign\s+up\s+(?:to|for)\b.{0,80}\bnewsletter\b
    )"""
)
PROMOTION = re.compile(
    r"(?i)\b(?:special\s+offer|act\s+now|free\s+trial|limited[-\s]time|subscribe\s+now|buy\s+now)\b"
)
NEWSLETTER = re.compile(r"(?i)\bnewsletters?\b|\binbox\b")
COOKIES = re.compile(
    r"(?i)\bcookies?\b.*\b(?:use|accept|consent|settings|policy|preferences|site|website)\b"
)
# 'Follow live updates here:' — a pointer whose link title is the next line.
POINTER = re.compile(
    r"(?i)^\W*(?:follow|read|watch|see|get|find|click)\b.{0,60}\b(?:here|below|at)\s*:\s*$"
)
# Markup a flattener let through: tags, or a bare URL.
MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|^\W*(?:https?://|www\.)\S+\W*$")
LEGAL = re.compile(
    r"""(?ix)^\W*(?:copyright\b|©|\(c\)\s*(?:19|20)\d\d)
    | \ball\s+rights\s+reserved\b
    | \bmay\s+not\s+be\s+(?:published|reproduced|republished|redistributed|broadcast)\b
    | \bis\s+a\s+registered\s+trademark\b
    | ^\W*(?:terms\s+(?:of\s+(?:use|service)|and\s+conditions)
          |privacy(?:\s+(?:policy|statement|notice))?|cookie\s+(?:policy|settings)
          |contact\s+us|about\s+us|site\s*map|faqs?|rss(?:\s+feeds?)?)\W*$"""
)
# A republisher's disclaimer: 'X is not involved in this news article, it is taken from ...'
DISCLAIMER = re.compile(
    r"""(?ix)\bis\s+not\s+(?:involved\s+in|responsible\s+for)\s+(?:this|the)\s+(?:news\s+)?
          (?:article|content|story)
    | \bcopyright\s+and\s+credits?\s+go\s+to\b
    | \btaken\s+from\s+(?:our\s+partners|(?:the\s+)?news\s+agencies)
    | \bpublished\s+from\s+a\s+(?:syndicated|wire(?:\s+agency)?)\s+feed\b
    | \bhas\s+not\s+been\s+edited\s+by\b"""
)
# The label over a list of links to other stories.
RELATED_LABEL = re.compile(
    r"""(?ix)^\W*(?:related(?:\s+(?:stories|articles|links|content|coverage|topics|news))?
    | recommended(?:\s+(?:for\s+you|stories|reading))?
    | most\s+(?:read|popular|viewed|emailed|shared|watched|commented)
    | (?:today(?:'|’)?s\s+)?top\s+(?:stories|emailed|videos?|headlines|news)
    | trending(?:\s+(?:now|stories))?
    | (?:read|see)\s+(?:more|next|also)(?:\s+(?:stories|articles|on\s+\S+))?
    | more\s+(?:from|on|in|stories|news|headlines|coverage)\b.*
    | you\s+(?:may|might)\s+(?:also\s+)?(?:like|be\s+interested\s+in)
    | latest\s+(?:news|headlines|stories|videos)
    | editor(?:'|’)?s\s+picks?
    | (?:in\s+)?other\s+news
    )\W*$"""
)
# An appeal for money or sign-ups; any one of these marks a line in the outlet's voice as one.
APPEAL = re.compile(
    r"""(?ix)\byour\s+(?:support|donation|contribution|subscription|gift|membership)s?\s+
          (?:helps|allows|enables|makes|keeps|means|will|can|is)\b
    | \b(?:support|fund)\s+(?:our|independent|quality|trusted)\s+(?:journalism|reporting|newsroom|work)\b
    | \bsupport\s+us\b
    | \b(?:donate|contribute)\s+(?:now|today|here|to\s+us)\b
    | \bbecome\s+a\s+(?:member|subscriber|supporter|patron)\b
    | \bpaywalls?\b
    | \bpaid\s+for\s+by\s+(?:those|readers)\b
    | \b(?:is|are)\s+trusted\s+by\s+(?:millions|readers|americans|people)\b"""
)
# An appeal in the imperative ('Support the Castavel Herald today'): the outlet's voice even
# without 'we' or 'you'; it joins an appeal, it does not make one.
IMPERATIVE_APPEAL = re.compile(
    r"(?i)^\W*(?:please\s+)?"
    r"(?:support|donate\s+to|give\s+to|subscribe\s+to|become\s+a\s+(?:member|supporter))"
    r"\s+(?:the\s+|us\b)"
)
# The outlet speaking ('we', 'our', 'us') or addressing the reader ('you', 'your'); 'US' the
# country is upper case and does not count.
VOICE = re.compile(r"\b(?:[Ww]e|[Ww]e're|[Ww]e've|[Oo]ur|us|[Yy]ou|[Yy]our)\b")
SENTENCE_END = re.compile(r"[.!?][\"”’)]?\s+(?=[A-Z“\"‘(©])")
