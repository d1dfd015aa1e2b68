"""Cue lexicons: the words news uses to attribute content to a source.

The verb lists were chosen by how often each lemma heads an annotated cue in the PolNeAR *train*
split (lemmas that are a cue in at least ~30% of their occurrences there), then read through by
hand; nothing here is tuned to dev sentences. `WEAK_VERBS` are lemmas that are cues only when
they govern a clause or a quotation ("believes that ...", not "believes in God").
"""

from __future__ import annotations

import re

# Which verb lemmas are cues depends on what they govern. The three lists below were derived from
# PolNeAR *train*: a lemma is listed under a complement type when, among its verb occurrences with
# that complement type, at least 35% head an annotated cue (and at least two do; about
# the F1-optimal cut at the precision rules reach); a few parse-noise
# entries were then removed by hand. Nothing here is tuned to dev sentences.

# Cue when the verb governs a clause ("said that ...", "insisted he was ...").
CLAUSE_CUES = frozenset("""
say tell add write suggest show note argue ask report find announce insist explain claim
acknowledge declare continue state point conclude indicate warn tweet reveal admit hop agree
predict respond question recall reply call fear worry assert assure wonder complain concede read
learn consider convince promise imply estimate allege recognize confirm deny describe remark
emphasize joke post demonstrate remind discuss charge contend boast maintain vow reiterate express
urge share propose pledge mention  endorse suspect stress order signal caution highlight cite
address answer prefer oppose rule denounce doubt demand lament proclaim recommend speculate 
start criticize reaffirm testify counter clarify interject hint notice calculate mock defend
define break inform shout welcome anticipate believe concur criticise emphasise exclaim feel
grumble guess hear hope know observe opine posit reckon retweet think understand whisper
""".split())

# Cue when the verb has an object, an infinitive or a prepositional complement ("accused X of ...",
# "called for ...", "urged them to ...").
OBJECT_CUES = frozenset("""
call say ask show endorse describe  accuse talk criticize tell  cite decline refer
announce refuse defend urge express write promise  mention respond point discuss praise
oppose report vow propose agree pledge blame tweet reject hop question blast dismiss denounce name
 recall note claim declare post slam mock highlight list warn tout portray threaten explain
deny acknowledge argue repeat thank condemn comment advocate charge order remind reveal echo
prefer suggest confirm deem emphasize rail boast press persuade voice reiterate quote decry demand
reference applaud stress lament apologize underscore email credit disclose predict chant title
attribute label congratulate request invoke regard state detail rule shout fear outline distance
recommend approve chide cheer contrast recite vouch disavow articulate hint assail liken recount
signal allude characterize plead conclude retweete remark complain assure resist lambast dispute
balk rebuke hail spar brush pivot rebut caution side justify inform assert boo hammer bill
broadcast joke dub bemoan estimate single interpret contemplate repudiate acquiesce opt brag
rebuff pump document coin clarify mull elaborate concede interject downplay allege preach dwell
savage bash strive speculate float deride herald shrug circulate mince foresee relish revere
pronounce peg explore muse forward heap ridicule reaffirm arise indicate warrant trumpet extoll
reassure spell hone sum reprise deflect veto lecture bank ratify envision mandate pounce taunt
revise renounce utter publicize reckon append bristle foreshadow disregard laud spotlight
empathize criticise hope refute retweet contradict contest
""".split())

# Cue even with no complement of its own (its content is then a quotation or the clause it
# interrupts: '"...," she wrote.').
BARE_CUES = frozenset("""
say report ask call write note add tweet respond describe announce argue explain remember echo
name reply reveal oppose point believe criticize reject accuse claim plead confirm consider
mention yell double acknowledge lash suggest praise disclose declare favor envision observe recall
document worry question prefer champion dismiss predict complain cry intend swing portray protest
chime dislike promote joke assure react beam scorn assail deride project brag utter concede
continue exclaim insist recount shout tell warn
""".split())

SPEECH_VERBS = CLAUSE_CUES | OBJECT_CUES | BARE_CUES

# Kept for callers that want "cognition" verbs separately: cues only with a clausal complement.
WEAK_VERBS = frozenset("think believe know feel understand hear guess reckon doubt suspect".split())

# Verbs that take the addressee as object: "told reporters that ..." (the object is not content).
ADDRESSEE_VERBS = frozenset("tell inform remind assure warn ask email".split())

# Verbs whose content can be a plain direct object ("accused Sanders of ...", "endorsed Cruz").
OBJECT_CONTENT_VERBS = frozenset("""
accuse endorse criticize criticise cite praise blame mock tout slam reject denounce condemn defend
oppose support urge ask question call describe deny dismiss dispute refute rebut applaud hail
mention highlight quote invoke propose recommend request demand  promise pledge vow announce
reveal disclose confirm acknowledge admit predict forecast recall express voice thank congratulate
label dub portray characterize liken charge chide deride lambast assail rebuke want back
""".split())

# Denial cues: the source rejects the proposition. Attribution polarity and the claims board's stance
# both read this list; the board adds its own weaker doubters (stance.DENIAL_CUES).
DENIAL_VERBS = frozenset(
    "deny reject dismiss refute dispute rebut contest contradict disavow debunk discount repudiate disprove "
    "discredit".split())

# "The report does not mention any damage", "did not deny": the source withholds what follows.
_NEGATED_CUE = re.compile(r"\b(?:not|never)\b|n't\b", re.I)


def cue_negated(cue_text: str) -> bool:
    return bool(_NEGATED_CUE.search(cue_text or ""))


# Adjectives that call a statement untrue ("That claim is false", "described the report as misleading").
# Attribution polarity and the board's negation count both use them.
FALSITY_ADJECTIVES = ("false", "untrue", "baseless", "groundless", "unfounded", "fabricated", "bogus", "fake",
                      "nonsense", "misleading", "incorrect", "inaccurate", "exaggerated", "made-up", "doctored")

# Nouns that attribute when they carry a possessor or an "of"/"from" source ("Trump's claim that").
NOMINAL_CUES = frozenset("""
claim assertion statement assessment allegation accusation argument suggestion warning promise
pledge announcement criticism complaint insistence belief view contention prediction estimate
denial admission acknowledgment acknowledgement comment remark declaration report testimony
""".split())

# Nouns that make "in a statement" / "in an interview" part of the cue ("said in a statement").
CUE_MEDIUM_NOUNS = frozenset("statement".split())

# Documents are sources in their own right ("a Pentagon statement said", "court filings show").
DOCUMENT_NOUNS = frozenset("""
statement report filing filings document documents memo letter poll survey study analysis image
images video email emails record records transcript release tweet post data documents audit
review paper article editorial study research ruling complaint indictment lawsuit affidavit
minutes readout petition tally rules regulations statistics results findings forecast projections
assessment evaluation estimate estimates bulletin notice notices picture pictures photo photos photograph
photographs footage guidance leaflet leaflets screenshot screenshots advisory clip clips videos posts tweets
version meme memes
""".split())

# Anonymity markers: "a person familiar with", "who asked not to be named".
ANONYMOUS_MARKERS = ("familiar with", "not to be named", "not be named", "anonymity",
                     "not authorized", "not authorised", "on condition", "unnamed", "anonymous",
                     "declined to be identified", "asked not to be identified", "want to be named",
                     "wish to be named", "want to be identified", "wish to be identified")


def asks_anonymity(text: str, cue: tuple[int, int], content: list[tuple[int, int]]) -> bool:
    """'who declined to be identified', 'asking for anonymity to speak freely': the cue's words and its
    content's, read together, only say the speaker is unnamed (a content that mentions anonymity by
    itself may report someone else's). Offsets are characters of `text`; `content` holds the content's
    pieces (not the envelope, which may hold the source and its description)."""
    said = " ".join(text[s:e] for s, e in content).lower()
    # "asking for anonymity to speak freely": what was asked for is the anonymity itself
    if _ANONYMITY_ASKED.match(text, cue[0]):
        return True
    return mentions_anonymity(text[cue[0]:cue[1]] + " " + said) and not mentions_anonymity(said)


_ANONYMITY_ASKED = re.compile(r"(?:ask|request|seek|sought|grant)\w*\s+(?:for\s+)?anonymity\b", re.I)


def mentions_anonymity(text: str) -> bool:
    """Whether the text says its speaker is unnamed ("a person familiar with the talks")."""
    low = text.lower()
    return any(m in low for m in ANONYMOUS_MARKERS)

# No-comment phrases (lemma of the verb, then a required later word).
NO_COMMENT_VERBS = frozenset("decline refuse respond return reach say disclose specify reveal explain answer "
                              "comment".split())

# Raising verbs: "he seems to ...", "X is expected to ...": a sourceless attribution whose content
# is the subject plus the infinitive.
RAISING_VERBS = frozenset("seem appear expect".split())

# Sentence adverbs that attribute without a source ("reportedly").
ATTRIBUTING_ADVERBS = frozenset("reportedly allegedly purportedly".split())
