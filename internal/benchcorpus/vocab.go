package benchcorpus

import "strings"

// kinds are the playbook kinds, each stored under its own folder.
var kinds = []string{"symptom", "meeting-format", "channel-agreement", "tool-rollout"}

// kindDir is the top folder of each kind.
var kindDir = map[string]string{
	"symptom":           "symptoms",
	"meeting-format":    "meeting-formats",
	"channel-agreement": "channel-agreements",
	"tool-rollout":      "tool-rollouts",
}

// subdirs are the sub-folders of each kind; "a/b" puts a page two levels
// below the kind's folder.
var subdirs = map[string][]string{
	"symptom":           {"sales", "support", "it", "support/escalations", "product/handovers"},
	"meeting-format":    {"leadership", "remote", "project", "remote/async", "leadership/quarterly"},
	"channel-agreement": {"internal", "customer", "incidents", "internal/chat", "customer/mail"},
	"tool-rollout":      {"crm", "intranet", "chat-platform", "crm/pilot", "intranet/2026"},
}

var (
	tags = strings.Fields(`sales support marketing it hr finance leadership remote
		hybrid onboarding product engineering customer feedback kpi handover
		knowledge-sharing async escalation adoption training pilot ambassadors
		retrospective alignment`)
	owners = strings.Fields(`team-enablement people-ops it-service-desk sales-ops
		support-leads marketing-ops pmo product-office finance-bp internal-comms`)
	cadences  = []string{"daily", "weekly", "biweekly", "monthly", "quarterly"}
	channels  = []string{"chat", "mail", "project-tool", "call", "intranet", "video"}
	statuses  = []string{"planned", "pilot", "rolling-out", "done"}
	durations = []int{15, 25, 30, 45, 60, 90}
	responses = []string{"15m", "1h", "4h", "1d", "2d"}
	tools     = []string{"CRM", "intranet", "chat platform", "project tool", "ticketing system",
		"knowledge base", "video meetings", "shared calendar"}
)

// Syllables of made-up words: the per-page marker words and the long tail
// of jargon (project code names, product names, team slang).
var (
	syllC = strings.Fields("b d f g k l m n p r s t v z br dr gr kr pl st tr")
	syllV = []string{"a", "e", "i", "o", "u", "oo", "ee", "au", "ei"}
	syllE = []string{"", "", "n", "r", "s", "l", "mt", "x", "nd"}
)

// tailSize is the number of made-up jargon words of each language, a fixed
// list whatever the seed, so that a large corpus has tens of thousands of
// distinct terms rather than only the base vocabulary.
const tailSize = 12000

// vocab is the word material of one language.
type vocab struct {
	nouns, verbs, adjs, advs, preps, depts []string
	plural                                 map[string]string
	templates                              []string
	headings, titles                       map[string][]string
	tailC, tailV, tailE                    []string // extra syllables of the long tail
	tableHead, when                        []string // the role table's header and "when" column
	see, details                           string   // around a link: "See [x](y) for details."
	h3Example, h3Accent                    string   // H3 headings: "Example from DEPT", a non-ASCII variant
}

var english = vocab{
	nouns: strings.Fields(`team department silo meeting agenda stand-up sync alignment retrospective
		feedback channel chat thread mailbox call project tool rollout pilot ambassador training
		workshop customer ticket handover decision owner deadline blocker priority knowledge
		mentor circle survey metric escalation expectation friction conflict habit process
		checklist review adoption onboarding dashboard backlog roadmap minutes facilitator
		timebox kickoff champion licence integration notification mention status update
		milestone stakeholder sponsor budget trust vision goal outcome workaround question
		answer request handbook playbook template calendar invite summary recap poll`),
	plural: map[string]string{"process": "processes", "mailbox": "mailboxes", "sync": "syncs",
		"licence": "licences", "minutes": "minutes", "status": "statuses",
		"budget": "budgets", "trust": "trust", "knowledge": "knowledge",
		"feedback": "feedback", "onboarding": "onboarding", "adoption": "adoption",
		"vision": "vision", "friction": "friction", "alignment": "alignment",
		"summary": "summaries", "priority": "priorities", "stand-up": "stand-ups"},
	verbs: strings.Fields(`share align escalate decide document celebrate review prepare invite summarise
		agree measure track announce train coach collect prioritise answer schedule cancel
		rotate facilitate reduce avoid clarify duplicate ignore repeat postpone own update
		record archive mute pin tag assign close reopen discuss explain plan test adopt`),
	adjs: strings.Fields(`shared cross-functional weekly daily monthly quarterly asynchronous urgent clear
		visible transparent isolated duplicated slow late remote hybrid new short focused open
		recurring optional mandatory informal formal noisy quiet missing unclear outdated
		central local common separate`),
	advs:  strings.Fields("often rarely always never quickly openly early together briefly regularly"),
	preps: strings.Fields("in for with before after during between across without about"),
	depts: []string{"sales", "support", "marketing", "IT", "finance", "HR", "product", "engineering",
		"customer success", "operations", "legal", "facilities"},
	templates: []string{
		"The {a} {n} {vs} the {t} {p} the {n}.",
		"When the {n} is {a}, {ns} {v} the {n} {adv}.",
		"Most {ns} {v} {a} {ns} {p} every {n}.",
		"{D} {v} the {n} {adv}, so the {n} stays {a}.",
		"If nobody {vs} the {n}, the {n} becomes {a} and {ns} {v} {adv}.",
		"Ask the {t} owner to {v} the {a} {n} {p} the {n}.",
		"Teams in {D} {adv} {v} a {a} {n} instead of a {t}.",
		"A {a} {n} helps {ns} {v} the {n} {p} {D}.",
		"Keep the {n} {a}: {v} it, {v} it and {v} the {n}.",
		"{D} and {D} {v} the same {n}, which makes the {n} {a}.",
		"Use the {n} to {v} {ns}, not to {v} the {t}.",
		"After the {n}, {v} the {ns} and {v} the {n} {p} the {n}.",
	},
	headings: map[string][]string{
		"symptom": {"Signals", "Why it happens", "Impact", "What to do", "Remedies",
			"Measuring progress", "Common pitfalls", "Examples", "Who to involve", "First steps"},
		"meeting-format": {"Purpose", "Cadence", "Participants", "Agenda", "Roles", "Preparation",
			"Outcomes", "Follow-up", "Common pitfalls", "Remote variant"},
		"channel-agreement": {"Use for", "Not for", "Response times", "Etiquette", "Escalation",
			"Examples", "Exceptions", "Notifications", "Archiving"},
		"tool-rollout": {"Working group", "Pilot", "Ambassadors", "Training", "Go-live",
			"Celebrating wins", "Measuring adoption", "Risks", "Support after launch"},
	},
	titles: map[string][]string{
		"symptom": {"Teams duplicate work", "Decisions get lost in chat", "Nobody owns the handover",
			"Customers hear different answers", "Meetings without outcomes",
			"Knowledge stays in one head", "Departments compete for priorities",
			"Escalations bypass the team", "Updates arrive too late",
			"Everyone is in every meeting", "Tools nobody uses", "Shadow spreadsheets"},
		"meeting-format": {"Daily stand-up", "Weekly sync", "Monthly alignment", "Retrospective",
			"Quarterly planning", "Cross-team demo", "Decision meeting",
			"Walk-in hour", "Kick-off", "Lessons learned session"},
		"channel-agreement": {"What goes in chat", "When to send mail", "Using the project tool",
			"When to call", "Incident channel", "Customer mail", "Announcements",
			"Direct messages", "Shared inbox", "Video calls"},
		"tool-rollout": {"Rolling out the CRM", "New intranet launch", "Chat platform pilot",
			"Project tool adoption", "Knowledge base migration",
			"Video meeting rooms", "Ticketing system rollout", "Shared calendar setup"},
	},
	tailC:     []string{"th", "sh", "w", "c"},
	tailV:     []string{"ea", "ou", "y"},
	tailE:     []string{"ing", "ery", "ton"},
	tableHead: []string{"Role", "Responsibility", "When"},
	when:      []string{"daily", "weekly", "monthly", "on request"},
	see:       " See ", details: " for details.",
	h3Example: "Example from", h3Accent: "Café-style review with",
}

var dutch = vocab{
	nouns: strings.Fields(`team afdeling silo overleg vergadering agenda stand-up samenwerking afstemming
		terugblik feedback kanaal chat draad mailbox gesprek project tool uitrol pilot ambassadeur
		training werksessie klant ticket overdracht besluit eigenaar deadline blokkade prioriteit
		kennis mentor kring enquête meetpunt escalatie verwachting frictie gewoonte proces
		checklist evaluatie adoptie inwerkperiode dashboard werkvoorraad planning notulen
		gespreksleider tijdslot aftrap kartrekker licentie koppeling melding status update
		mijlpaal belanghebbende opdrachtgever budget vertrouwen visie doel resultaat vraag
		antwoord verzoek handboek draaiboek sjabloon agenda samenvatting werkgroep afspraak
		coördinatie`),
	plural: map[string]string{"afdeling": "afdelingen", "vergadering": "vergaderingen", "team": "teams",
		"tool": "tools", "stand-up": "stand-ups", "pilot": "pilots", "chat": "chats",
		"dashboard": "dashboards", "update": "updates", "deadline": "deadlines",
		"checklist": "checklists", "status": "statussen", "mailbox": "mailboxen",
		"feedback": "feedback", "kennis": "kennis", "adoptie": "adopties",
		"belanghebbende": "belanghebbenden", "gespreksleider": "gespreksleiders",
		"kartrekker": "kartrekkers", "mentor": "mentoren", "gesprek": "gesprekken",
		"werksessie": "werksessies", "enquête": "enquêtes", "sjabloon": "sjablonen",
		"licentie": "licenties", "koppeling": "koppelingen", "draad": "draden",
		"klant": "klanten", "afspraak": "afspraken", "ticket": "tickets",
		"besluit": "besluiten", "kanaal": "kanalen", "overleg": "overleggen",
		"eigenaar": "eigenaren", "gewoonte": "gewoonten", "melding": "meldingen",
		"samenwerking": "samenwerkingen", "prioriteit": "prioriteiten",
		"werkgroep": "werkgroepen", "ambassadeur": "ambassadeurs", "vraag": "vragen",
		"doel": "doelen", "proces": "processen", "project": "projecten"},
	verbs: strings.Fields(`delen samenwerken afstemmen bespreken plannen vieren meten evalueren escaleren
		documenteren beslissen voorbereiden uitnodigen samenvatten afspreken trainen verzamelen
		beantwoorden overdragen verbeteren vermijden verduidelijken negeren herhalen uitstellen
		bijwerken vastleggen archiveren toewijzen sluiten bijsturen uitleggen testen invoeren`),
	adjs: strings.Fields(`gedeelde wekelijkse dagelijkse maandelijkse duidelijke zichtbare transparante
		geïsoleerde dubbele trage late hybride nieuwe korte gerichte vaste open terugkerende
		verplichte informele formele drukke stille ontbrekende onduidelijke verouderde centrale
		lokale gezamenlijke aparte`),
	advs:  strings.Fields("vaak zelden altijd nooit snel open vroeg samen kort regelmatig"),
	preps: strings.Fields("in voor met voor na tijdens tussen over zonder bij"),
	depts: []string{"verkoop", "klantenservice", "marketing", "IT", "financiën", "HR", "product",
		"ontwikkeling", "klantsucces", "operatie", "juridische zaken", "facilitaire dienst"},
	templates: []string{
		"De {a} {n} helpt de {ns} om de {t} te {v}.",
		"Als de {n} {adv} ontbreekt, {v} de {ns} de {n} niet.",
		"Veel {ns} {v} een {a} {n} {p} elke {n}.",
		"{D} wil de {n} {adv} {v}, zodat de {n} een {a} {n} blijft.",
		"Wie de {n} niet wil {v}, maakt de {n} {adv} onduidelijk.",
		"Vraag de eigenaar om de {a} {t} {p} de {n} te {v}.",
		"Teams bij {D} {v} {adv} een {a} {n} in plaats van een {t}.",
		"Een {a} {n} zorgt dat {ns} de {n} {p} {D} {v}.",
		"Houd de {n} kort: {v}, {v} en dan de {n} {v}.",
		"{D} en {D} {v} dezelfde {n}, dus de {n} wordt een {a} {n}.",
		"Gebruik het {n} om {ns} te {v}, niet om de {t} te {v}.",
		"Na de {n} {v} we de {ns} en {v} we de {n} {p} het {n}.",
	},
	headings: map[string][]string{
		"symptom": {"Signalen", "Waarom het gebeurt", "Impact", "Wat te doen", "Oplossingen",
			"Voortgang meten", "Valkuilen", "Voorbeelden", "Wie betrek je", "Eerste stappen"},
		"meeting-format": {"Doel", "Frequentie", "Deelnemers", "Agenda", "Rollen", "Voorbereiding",
			"Resultaten", "Opvolging", "Valkuilen", "Op afstand"},
		"channel-agreement": {"Gebruiken voor", "Niet voor", "Reactietijden", "Omgangsvormen",
			"Escalatie", "Voorbeelden", "Uitzonderingen", "Meldingen", "Archiveren"},
		"tool-rollout": {"Werkgroep", "Pilot", "Ambassadeurs", "Training", "Livegang",
			"Successen vieren", "Adoptie meten", "Risico", "Ondersteuning na livegang"},
	},
	titles: map[string][]string{
		"symptom": {"Teams doen dubbel werk", "Besluiten verdwijnen in de chat",
			"Niemand is eigenaar van de overdracht", "Klanten krijgen verschillende antwoorden",
			"Vergaderingen zonder resultaat", "Kennis zit in één hoofd",
			"Afdelingen concurreren om prioriteit", "Escalaties gaan om het team heen",
			"Updates komen te laat", "Eilandjescultuur tussen afdelingen"},
		"meeting-format": {"Dagelijkse stand-up", "Wekelijks overleg", "Maandelijkse afstemming",
			"Retrospectief", "Kwartaalplanning", "Demo tussen teams",
			"Besluitvormingsoverleg", "Inloopuur", "Aftrap"},
		"channel-agreement": {"Wat hoort in de chat", "Wanneer mail je", "De projecttool gebruiken",
			"Wanneer bel je", "Incidentkanaal", "Klantmail", "Aankondigingen", "Gedeelde mailbox"},
		"tool-rollout": {"Uitrol van het CRM", "Lancering nieuw intranet", "Pilot chatplatform",
			"Invoering projecttool", "Migratie kennisbank", "Uitrol ticketsysteem",
			"Gedeelde agenda inrichten"},
	},
	tailC:     []string{"sch", "ij", "w", "j"},
	tailV:     []string{"oe", "ui", "ij"},
	tailE:     []string{"ing", "heid", "ster"},
	tableHead: []string{"Rol", "Verantwoordelijkheid", "Wanneer"},
	when:      []string{"dagelijks", "wekelijks", "maandelijks", "op verzoek"},
	see:       " Zie ", details: " voor details.",
	h3Example: "Voorbeeld uit", h3Accent: "Coördinatie met",
}
