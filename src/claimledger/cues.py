"""Cue lexicons: the words news uses to attribute content to a source.

The verb lists were chosen by how often each lemma heads an annotated cue in the PolNeAR *train*
split (lemmas that are a cue in at least ~30% of their occurrences there), then read through by
hand; nothing here is tuned to dev sentences. `WEAK_VERBS` are lemmas that are cues only when
they govern a clause or a quotation ("believes that ...", not "believes in God").
"""

from __future__ import annotations

# Lemmas (spaCy's) that attribute content whenever they have a subject or complement.
SPEECH_VERBS = frozenset("""
say tell write add ask note suggest report argue announce describe endorse accuse tweet seek
criticize claim talk respond cite explain declare acknowledge agree refer promise insist hope hop
refuse warn mention oppose urge question express reveal defend vow recall praise state propose
pledge conclude discuss indicate predict reject denounce blame admit post dismiss deny reply fear
confirm remember mock prefer charge tout slam order echo complain threaten highlight assure remind
repeat assert emphasize reiterate concede remark boast portray wonder estimate allege thank
advocate decry rail stress lament joke demand quote disclose condemn voice chant applaud shout
request caution plead signal imply apologize recommend underscore outline attribute invoke email
chide speculate retweet retweete assail recount contend label yell congratulate vouch bemoan
allude lash interject liken hail envision brag testify forecast lambast reaffirm deride dub
rebuke proclaim observe characterize inform muse recite rebut rebuff clarify refute dispute
announce insinuate acknowledged counter calculate project caution criticise emphasise summarize
call decline whisper scream exclaim opine posit maintain guess reckon admit grumble concur""".split())

# Cues only with a clausal complement or an attached quotation.
WEAK_VERBS = frozenset("""
continue support back show expect think believe know see find want support consider learn read recognize
doubt suspect feel understand hear predict acknowledge agree decide plan intend worry
""".split())

# Verbs that take the addressee as object: "told reporters that ..." (the object is not content).
ADDRESSEE_VERBS = frozenset("tell inform remind assure warn ask email".split())

# Verbs whose content can be a plain direct object ("accused Sanders of ...", "endorsed Cruz").
OBJECT_CONTENT_VERBS = frozenset("""
accuse endorse criticize criticise cite praise blame mock tout slam reject denounce condemn defend
oppose support urge ask question call describe deny dismiss dispute refute rebut applaud hail
mention highlight quote invoke propose recommend request demand seek promise pledge vow announce
reveal disclose confirm acknowledge admit predict forecast recall express voice thank congratulate
label dub portray characterize liken charge chide deride lambast assail rebuke want back
""".split())

# Denial cues: the source rejects the proposition.
DENIAL_VERBS = frozenset("deny reject dismiss refute dispute rebut contest contradict disavow".split())

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
""".split())

# Anonymity markers: "a person familiar with", "who asked not to be named".
ANONYMOUS_MARKERS = ("familiar with", "not to be named", "not be named", "anonymity",
                     "not authorized", "not authorised", "on condition", "unnamed", "anonymous",
                     "declined to be identified", "asked not to be identified")

# No-comment phrases (lemma of the verb, then a required later word).
NO_COMMENT_VERBS = frozenset("decline refuse respond return".split())

# Raising verbs: "he seems to ...", "X is expected to ...": a sourceless attribution whose content
# is the subject plus the infinitive.
RAISING_VERBS = frozenset("seem appear expect".split())

# Sentence adverbs that attribute without a source ("reportedly").
ATTRIBUTING_ADVERBS = frozenset("reportedly allegedly purportedly".split())
