#include "gen/text_pools.h"

#include <algorithm>
#include <utility>

#include "gen/json_escape.h"
#include "gen/rng.h"

namespace arxivflow::gen {
namespace {

constexpr const char* kWords[] = {
    "model", "models", "theory", "field", "fields", "quantum", "classical", "energy", "spectrum",
    "spectra", "symmetry", "gauge", "string", "black", "hole", "holes", "dark", "matter", "galaxy",
    "galaxies", "cluster", "clusters", "star", "stars", "stellar", "magnetic", "electric", "phase",
    "transition", "transitions", "critical", "lattice", "spin", "spins", "chain", "ground", "state",
    "states", "excitation", "excitations", "density", "function", "functions", "operator",
    "operators", "algebra", "algebras", "group", "groups", "manifold", "manifolds", "surface",
    "surfaces", "curve", "curves", "graph", "graphs", "vertex", "edges", "network", "networks",
    "neural", "learning", "deep", "training", "dataset", "datasets", "benchmark", "performance",
    "accuracy", "algorithm", "algorithms", "method", "methods", "approach", "framework", "problem",
    "problems", "solution", "solutions", "equation", "equations", "nonlinear", "linear", "stochastic",
    "random", "process", "processes", "distribution", "distributions", "estimator", "estimation",
    "inference", "Bayesian", "posterior", "prior", "likelihood", "variance", "regression",
    "convergence", "bound", "bounds", "upper", "lower", "optimal", "sharp", "estimate", "estimates",
    "inequality", "inequalities", "boundary", "conditions", "existence", "uniqueness", "regularity",
    "weak", "strong", "global", "local", "asymptotic", "behavior", "limit", "limits", "scaling",
    "dimension", "dimensional", "space", "spaces", "Hilbert", "Banach", "Sobolev", "Riemannian",
    "Lie", "Hamiltonian", "Lagrangian", "Hermitian", "unitary", "invariant", "invariants",
    "topological", "geometric", "geometry", "topology", "homology", "cohomology", "category",
    "functor", "sheaves", "scheme", "moduli", "stack", "representation", "representations",
    "character", "characters", "prime", "primes", "number", "numbers", "polynomial", "polynomials",
    "matrix", "matrices", "eigenvalue", "eigenvalues", "tensor", "tensors", "sparse", "dense",
    "graphene", "superconductivity", "superconducting", "temperature", "pressure", "thermal",
    "transport", "conductivity", "resistivity", "electron", "electrons", "photon", "photons",
    "neutrino", "neutrinos", "quark", "quarks", "gluon", "hadron", "hadronic", "collider",
    "detector", "luminosity", "cross", "section", "sections", "decay", "decays", "mass", "masses",
    "coupling", "couplings", "perturbative", "nonperturbative", "loop", "one-loop", "two-loop",
    "renormalization", "effective", "potential", "potentials", "scattering", "amplitude",
    "amplitudes", "wave", "waves", "gravitational", "cosmological", "inflation", "inflationary",
    "redshift", "survey", "observations", "observational", "telescope", "emission", "absorption",
    "radio", "X-ray", "optical", "infrared", "accretion", "disk", "disks", "jet", "jets", "outflow",
    "supernova", "supernovae", "pulsar", "pulsars", "binary", "binaries", "merger", "mergers",
    "simulation", "simulations", "numerical", "analytic", "analytical", "exact", "approximate",
    "approximation", "expansion", "series", "integral", "integrals", "kernel", "kernels",
    "measure", "measures", "entropy", "information", "channel", "channels", "capacity", "code",
    "codes", "coding", "protocol", "protocols", "security", "privacy", "communication",
    "wireless", "signal", "signals", "noise", "control", "controller", "feedback", "stability",
    "robust", "robustness", "dynamics", "dynamical", "system", "systems", "chaotic", "chaos",
    "oscillator", "oscillators", "synchronization", "diffusion", "transport", "flow", "flows",
    "turbulence", "turbulent", "fluid", "viscous", "boundary", "layer", "layers", "interface",
    "interfaces", "materials", "crystal", "crystals", "defects", "films", "thin", "substrate",
    "structure", "structures", "structural", "properties", "property", "interaction",
    "interactions", "coupled", "entanglement", "entangled", "qubit", "qubits", "decoherence",
    "measurement", "measurements", "experiment", "experiments", "experimental", "data", "results",
    "evidence", "analysis", "framework", "language", "languages", "semantic", "text", "image",
    "images", "video", "segmentation", "detection", "classification", "generative", "adversarial",
    "reinforcement", "policy", "agent", "agents", "reward", "graph-based", "attention",
    "transformer", "transformers", "embedding", "embeddings", "representation", "latent",
    "variational", "gradient", "descent", "optimization", "convex", "nonconvex", "objective",
    "constraint", "constraints", "the", "the", "the", "the", "of", "of", "of", "of", "and", "and",
    "and", "in", "in", "in", "to", "to", "a", "a", "a", "for", "for", "with", "with", "on", "by",
    "is", "is", "are", "we", "this", "that", "that", "which", "these", "new", "general", "large",
    "small", "high", "low", "first", "second", "several", "two", "three", "both", "between",
    "from", "as", "at", "its", "their", "our", "can", "be", "also", "under", "over", "near",
    "obtain", "obtained", "derive", "derived", "study", "studied", "show", "shown", "find",
    "found", "propose", "proposed", "present", "presented", "consider", "considered", "compute",
    "computed", "construct", "constructed", "prove", "proved", "demonstrate", "investigate",
    "discuss", "describe", "determine", "identify", "apply", "applied", "allows", "leads",
    "implies", "provides", "yields", "depends", "significant", "significantly", "novel",
    "efficient", "efficiently", "simple", "explicit", "explicitly", "precise", "precisely",
    "consistent", "particular", "particularly", "corresponding", "respectively", "arbitrary",
    "finite", "infinite", "discrete", "continuous", "complex", "real", "integer", "positive",
    "negative", "zero", "nontrivial", "trivial", "generic", "typical", "standard", "modified",
    "extended", "generalized", "improved", "recent", "previous", "future", "current", "present",
    "possible", "relevant", "important", "fundamental", "natural", "physical", "mathematical",
};

// Inline LaTeX and TeX-accented words, as they appear in titles and abstracts
// (stored unescaped; JSON escaping doubles the backslashes).
constexpr const char* kMath[] = {
    "$\\ell$", "$(k,\\ell)$-sparse", "$\\alpha\\ge 0$", "$H^p(R^N)$", "$\\Lambda_{\\alpha}$",
    "$O(n\\log n)$", "$10^{-3}$", "$\\sim 5\\sigma$", "$\\mathbb{Z}_2$", "$SU(N)$",
    "$\\sqrt{s}=13$ TeV", "$T_c$", "$\\chi^2$", "$p<0.05$", "$\\mathcal{N}=4$", "$\\epsilon$",
    "$d\\ge 3$", "\\emph{a priori}", "\\textit{ab initio}", "``quantum''", "Schr\\\"odinger",
    "Poincar\\'e", "K\\\"ahler", "Erd\\H{o}s", "M\\\"obius", "H\\'enon", "L\\'evy", "Cauchy--Schwarz",
    "$\\langle x \\rangle$", "$\\Delta E$", "$\\beta$-decay", "$e^+e^-$", "$\\pi^0$",
    "$\\mu$m", "$z\\sim 2$", "$M_\\odot$", "$\\Omega_m=0.3$", "$\\lambda/4$", "$L^2$",
    "$C^*$-algebras", "$\\mathfrak{sl}_2$", "$n\\to\\infty$", "$\\{0,1\\}^n$", "$|\\psi\\rangle$",
    "95\\%", "\"hidden\"", "so-called \"twisted\"", "$\\tilde{O}(\\sqrt{T})$", "$k$-means",
    "$\\varphi^4$", "$AdS_5\\times S^5$", "$\\mathrm{GL}_n$", "$q$-deformed", "$\\eta/s$",
};

constexpr const char* kStarters[] = {
    "We show that", "We study", "In this paper we", "In this work we", "We present", "We propose",
    "We consider", "We investigate", "Here we report", "The", "Using", "Our results show that",
    "We find that", "Moreover,", "Furthermore,", "In particular,", "As an application,",
    "Finally, we", "These results", "This", "It is shown that", "Motivated by", "We prove that",
    "We also", "To this end, we", "Recent", "A", "Based on", "We derive", "We compute",
};

constexpr const char* kFirstNames[] = {
    "James", "John", "Robert", "Michael", "William", "David", "Richard", "Joseph", "Thomas",
    "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Paul", "Steven", "Andrew", "Kenneth",
    "Joshua", "Kevin", "Brian", "George", "Edward", "Ronald", "Timothy", "Jason", "Jeffrey",
    "Ryan", "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott",
    "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
    "Karen", "Nancy", "Lisa", "Margaret", "Sandra", "Ashley", "Emily", "Donna", "Michelle",
    "Carol", "Amanda", "Melissa", "Deborah", "Stephanie", "Rebecca", "Laura", "Sharon", "Anna",
    "Wei", "Li", "Hui", "Jing", "Yan", "Xiaoming", "Xiaolin", "Hongjun", "Zhen", "Yu", "Jian",
    "Hao", "Lei", "Ming", "Tao", "Yang", "Chen", "Ying", "Hiroshi", "Takashi", "Kenji", "Yuki",
    "Satoshi", "Akira", "Naoki", "Ji-Hoon", "Min-Jun", "Seung", "Hyun", "Sung-Won", "Rajesh",
    "Amit", "Sanjay", "Priya", "Anil", "Sunil", "Arun", "Vikram", "Deepak", "Pavel", "Sergei",
    "Dmitri", "Alexei", "Vladimir", "Ivan", "Nikolai", "Andrei", "Olga", "Elena", "Natalia",
    "Tatiana", "Giuseppe", "Marco", "Luca", "Alessandro", "Francesca", "Giulia", "Paolo",
    "Stefano", "Hans", "Klaus", "Wolfgang", "Stefan", "Markus", "Andreas", "Matthias", "Pierre",
    "Jean", "Michel", "Philippe", "Nicolas", "Sophie", "Julien", "Carlos", "Juan", "Miguel",
    "Pablo", "Javier", "Diego", "Ana", "Maria", "Lucia", "Ahmed", "Mohammed", "Ali", "Omar",
    "Fatima", "Mehmet", "Mustafa", "Lars", "Erik", "Anders", "Ingrid", "Jan", "Piotr", "Tomasz",
    "Krzysztof", "Alberto", "Ileana", "Louis", "Wael", "Mikkel", "Floris", "Ewine", "Christian",
};

constexpr const char* kLastNames[] = {
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris",
    "Clark", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green",
    "Baker", "Adams", "Nelson", "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips",
    "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook",
    "Rogers", "Morgan", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Kelly", "Howard", "Ward",
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun", "Ma",
    "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Zheng", "Tanaka", "Suzuki", "Takahashi",
    "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Kim", "Park", "Choi", "Jung",
    "Kang", "Cho", "Yoon", "Singh", "Kumar", "Sharma", "Gupta", "Patel", "Shah", "Mehta", "Rao",
    "Reddy", "Das", "Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov",
    "Novikov", "Morozov", "Petrov", "Volkov", "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi",
    "Romano", "Colombo", "Ricci", "Marino", "Greco", "Schmidt", "Schneider", "Fischer", "Weber",
    "Meyer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Bernard",
    "Dubois", "Durand", "Lefebvre", "Moreau", "Laurent", "Simon", "Michel", "Garnier", "Rousseau",
    "Silva", "Santos", "Oliveira", "Pereira", "Costa", "Almeida", "Nadolsky", "Berger", "Yuan",
    "Streinu", "Theran", "Pan", "Callan", "Torchinsky", "Abu-Shammala", "Esteban-Pretel", "Valle",
    "van der Tak", "van Dishoeck", "de Jong", "Dall'Aglio", "O'Brien", "McDonald", "Nguyen",
    "Tran", "Hassan", "Ahmadi", "Cohen", "Levi", "Friedman", "Andersen", "Nielsen", "Hansen",
    "Larsen", "Johansson", "Karlsson", "Nowak", "Kowalski", "Wisniewski", "Kovacs", "Szabo",
};

struct TexUni {
  const char* tex;
  const char* uni;
};

constexpr TexUni kAccentedLast[] = {
    {"Bal\\'azs", "Balázs"}, {"M\\\"uller", "Müller"}, {"Sch\\\"afer", "Schäfer"},
    {"\\v{S}r\\'amek", "Šrámek"}, {"Tom\\`as", "Tomàs"}, {"{\\O}bro", "Øbro"},
    {"Garc\\'ia", "García"}, {"Mart\\'inez", "Martínez"}, {"Nu\\~nez", "Nuñez"},
    {"Dvo\\v{r}\\'ak", "Dvořák"}, {"G\\\"odel", "Gödel"}, {"L\\'opez", "López"},
    {"P\\'erez", "Pérez"}, {"Fern\\'andez", "Fernández"}, {"Gonz\\'alez", "González"},
    {"Rodr\\'iguez", "Rodríguez"}, {"S\\'anchez", "Sánchez"}, {"Kr\\\"uger", "Krüger"},
    {"J\\\"ager", "Jäger"}, {"Lindstr\\\"om", "Lindström"}, {"{\\AA}str\\\"om", "Åström"},
    {"Wei{\\ss}", "Weiß"}, {"Ko\\c{c}", "Koç"}, {"\\c{C}elik", "Çelik"}, {"Wo\\'zniak", "Woźniak"},
    {"Brejov\\'a", "Brejová"}, {"Vina\\v{r}", "Vinař"}, {"Nov\\'ak", "Novák"},
    {"Horv\\'ath", "Horváth"}, {"B\\\"ohm", "Böhm"}, {"Gon\\c{c}alves", "Gonçalves"},
    {"Ferr\\~ao", "Ferrão"}, {"G\\\"ahler", "Gähler"}, {"Ma{\\l}ecki", "Małecki"},
    {"Erd\\H{o}s", "Erdős"}, {"Ch\\'avez", "Chávez"}, {"Ben\\'itez", "Benítez"},
};

constexpr TexUni kAccentedFirst[] = {
    {"Jos\\'e", "José"}, {"Fran\\c{c}ois", "François"}, {"Ren\\'e", "René"},
    {"G\\\"unther", "Günther"}, {"Bj\\\"orn", "Björn"}, {"S{\\o}ren", "Søren"},
    {"\\L{}ukasz", "Łukasz"}, {"Pawe{\\l}", "Paweł"}, {"J\\'ozsef", "József"},
    {"P\\'eter", "Péter"}, {"Jo\\~ao", "João"}, {"Andr\\'e", "André"}, {"J\\\"urgen", "Jürgen"},
    {"Tom\\'a\\v{s}", "Tomáš"}, {"Bro\\v{n}a", "Broňa"}, {"Ji\\v{r}\\'i", "Jiří"},
    {"C\\'edric", "Cédric"}, {"Ma{\\l}gorzata", "Małgorzata"}, {"\\'Alvaro", "Álvaro"},
    {"In\\'es", "Inés"}, {"Zolt\\'an", "Zoltán"}, {"St\\'ephane", "Stéphane"},
};

constexpr const char* kSyllables[] = {
    "ka", "ri", "to", "men", "sa", "lo", "ve", "ber", "gan", "dor", "mi", "nu", "tes", "ra",
    "kov", "ski", "son", "ling", "ha", "ma", "no", "zu", "chi", "el", "an", "ton", "vic", "ro",
};

constexpr const char* kAffiliations[] = {
    "Oxford", "Culham", "CERN", "Harvard University", "INP, Moscow State University",
    "SUPA, St Andrews", "Lancaster University", "Technion", "Leiden", "Onsala", "Stockholm",
    "SRON Groningen", "ESO", "Princeton", "Iowa", "Berkeley", "Maryland", "Caltech", "MIT",
    "Stanford University", "University of Tokyo", "Kyoto University", "Tsinghua University",
    "Peking University", "IHEP, Beijing", "DESY", "Max Planck Institute for Physics",
    "Universität Wien", "Universität Stuttgart", "École Polytechnique", "Université Paris-Saclay",
    "ETH Zürich", "IIT Bombay", "TIFR, Mumbai", "Weizmann Institute", "KEK", "SLAC",
    "Fermilab", "INFN, Sezione di Roma", "Institut für Theoretische Physik, Universität\n  Heidelberg",
    "Department of Physics and Astronomy, University College London",
    "Department of Mathematics, Universidad Autónoma de Madrid",
};

constexpr const char* kCollaborations[] = {
    "ATLAS Collaboration", "CMS Collaboration", "LHCb Collaboration", "ALICE Collaboration",
    "IceCube Collaboration", "LIGO Scientific Collaboration", "Belle II Collaboration",
    "Fermi-LAT Collaboration", "DES Collaboration", "Planck Collaboration",
};

struct Weighted {
  const char* text;
  double weight;
};

// English function words and the commonest words of abstracts, with their
// rough frequency per 10,000 words of arXiv prose (gen/prose.h).
constexpr Weighted kFunctionWords[] = {
    {"the", 700}, {"of", 450}, {"and", 230}, {"a", 200},   {"in", 190},   {"to", 145},
    {"is", 125},  {"we", 120}, {"for", 100}, {"with", 88}, {"are", 82},   {"that", 75},
    {"by", 63},   {"on", 58},  {"this", 56}, {"as", 50},   {"from", 42},  {"an", 41},
    {"at", 38},   {"which", 34}, {"be", 33}, {"can", 24},  {"also", 22},  {"it", 21},
    {"our", 20},  {"these", 20}, {"its", 18}, {"has", 17}, {"have", 17},  {"results", 20},
    {"was", 10},  {"were", 8}, {"been", 12}, {"such", 12}, {"both", 10},  {"than", 10},
    {"using", 12}, {"into", 10}, {"between", 12}, {"their", 10}, {"not", 12}, {"or", 12},
    {"show", 10}, {"new", 10}, {"two", 10},  {"one", 8},   {"well", 8},   {"more", 8},
    {"all", 7},   {"under", 6}, {"over", 6}, {"only", 6},  {"when", 6},   {"where", 6},
    {"other", 6}, {"while", 5}, {"most", 5}, {"however", 5}, {"here", 5}, {"each", 5},
    {"some", 5},  {"through", 5}, {"via", 5}, {"then", 4}, {"thus", 4},   {"within", 4},
    {"there", 4}, {"without", 3}, {"based", 8}, {"used", 7}, {"paper", 8}, {"method", 10},
    {"data", 12}, {"model", 12}, {"study", 7}, {"present", 6}, {"obtained", 5}, {"find", 5},
};

constexpr Weighted kCategories[] = {
    {"cs.LG", 9}, {"cs.CV", 7}, {"cs.AI", 4}, {"cs.CL", 5}, {"cs.IT", 2}, {"math.IT", 2},
    {"cs.RO", 2}, {"cs.CR", 1.5}, {"cs.DS", 1.5}, {"cs.NI", 1}, {"cs.SY", 1}, {"eess.SY", 1},
    {"cs.DC", 1}, {"cs.SE", 1}, {"cs.HC", 0.8}, {"cs.IR", 1}, {"cs.NE", 0.6}, {"cs.GT", 0.5},
    {"math.CO", 3}, {"math.AP", 3}, {"math.PR", 2.5}, {"math.NT", 2}, {"math.AG", 2},
    {"math.DG", 2}, {"math.OC", 2.5}, {"math.NA", 2}, {"math.FA", 1.5}, {"math.DS", 1.5},
    {"math.GT", 1}, {"math.RT", 1}, {"math.ST", 1.5}, {"stat.TH", 1.5}, {"math.CA", 1},
    {"math.GR", 1}, {"math.QA", 0.8}, {"math.MP", 2}, {"math-ph", 2}, {"hep-th", 5},
    {"hep-ph", 5}, {"hep-ex", 1.5}, {"hep-lat", 0.8}, {"gr-qc", 3}, {"quant-ph", 6},
    {"astro-ph.GA", 3}, {"astro-ph.CO", 3}, {"astro-ph.SR", 2.5}, {"astro-ph.HE", 2.5},
    {"astro-ph.EP", 1.2}, {"astro-ph.IM", 1.2}, {"cond-mat.mes-hall", 3}, {"cond-mat.str-el", 2.5},
    {"cond-mat.mtrl-sci", 3.5}, {"cond-mat.stat-mech", 2.5}, {"cond-mat.supr-con", 1.5},
    {"cond-mat.soft", 1.5}, {"cond-mat.quant-gas", 1}, {"cond-mat.dis-nn", 1},
    {"physics.optics", 2}, {"physics.flu-dyn", 1.5}, {"physics.comp-ph", 1}, {"physics.soc-ph", 1},
    {"physics.ins-det", 1}, {"physics.chem-ph", 1}, {"physics.app-ph", 1}, {"nucl-th", 1.5},
    {"nucl-ex", 0.8}, {"stat.ML", 4}, {"stat.ME", 1.5}, {"stat.AP", 1}, {"eess.SP", 2},
    {"eess.IV", 1.5}, {"eess.AS", 0.8}, {"econ.EM", 0.4}, {"econ.GN", 0.3}, {"q-bio.NC", 0.8},
    {"q-bio.PE", 0.6}, {"q-bio.QM", 0.6}, {"q-fin.ST", 0.3}, {"q-fin.MF", 0.3}, {"nlin.CD", 0.6},
    {"nlin.SI", 0.4}, {"nlin.PS", 0.4},
};

constexpr const char* kMathSubjects[] = {"math.AG", "math.AP", "math.CO", "math.DG", "math.NT",
                                         "math.PR", "math.FA", "math.GT", "math.QA", "math.RT",
                                         "math.OA", "math.CA", "math.DS", "math.GR", "math.ST"};
constexpr const char* kCondMatSubjects[] = {"cond-mat", "cond-mat.str-el", "cond-mat.mes-hall",
                                            "cond-mat.stat-mech", "cond-mat.supr-con",
                                            "cond-mat.soft", "cond-mat.mtrl-sci", "cond-mat.dis-nn"};
constexpr const char* kPhysicsSubjects[] = {"physics.optics", "physics.gen-ph", "physics.flu-dyn",
                                            "physics.atom-ph", "physics.ed-ph", "physics.hist-ph",
                                            "physics.comp-ph", "physics.class-ph"};
constexpr const char* kCsSubjects[] = {"cs.LO", "cs.CC", "cs.DS", "cs.IT", "cs.AI", "cs.CL",
                                       "cs.NI", "cs.DM", "cs.PL", "cs.LG"};
constexpr const char* kNlinSubjects[] = {"nlin.CD", "nlin.SI", "nlin.PS", "nlin.AO", "nlin.CG"};
constexpr const char* kQbioSubjects[] = {"q-bio.NC", "q-bio.PE", "q-bio.BM", "q-bio.MN"};

constexpr const char* kJournals[] = {
    "Phys.Rev.D", "Phys.Rev.Lett.", "Phys.Rev.B", "JHEP", "Astrophys.J.",
    "Mon.Not.Roy.Astron.Soc.", "Nucl.Phys.B", "Phys.Lett.B", "J. Math. Phys.",
    "Commun. Math. Phys.", "Ann. Probab.", "Adv. Math.", "Nature", "Science",
    "IEEE Trans. Inf. Theory", "Astron. Astrophys.", "J. Phys. A", "Illinois J. Math.",
    "Class. Quant. Grav.", "Eur. Phys. J. C", "New J. Phys.", "Phys. Rev. E", "J. Stat. Mech.",
    "Proc. Amer. Math. Soc.", "Trans. Amer. Math. Soc.", "Invent. Math.", "Duke Math. J.",
    "Nature Physics", "Quantum", "SIAM J. Numer. Anal.",
};

constexpr const char* kReportPrefixes[] = {
    "CERN-PH-TH", "ANL-HEP-PR", "SLAC-PUB", "DESY", "FERMILAB-PUB", "KEK-TH", "UT",
    "IPMU", "MIT-CTP", "YITP", "IFT-UAM/CSIC", "LMU-ASC", "CALT-68", "HU-EP", "PUPT",
};

constexpr const char* kVenues[] = {
    "Graphs and Combinatorics", "Phys. Rev. D", "the Proceedings of ICML 2019", "NeurIPS 2020",
    "Journal of Algebra", "Classical and Quantum Gravity", "MNRAS", "the Astrophysical Journal",
    "CVPR 2021", "ACL 2022", "the proceedings of Lattice 2008", "Physical Review Letters",
};

constexpr Weighted kLicensesNew[] = {
    {"http://arxiv.org/licenses/nonexclusive-distrib/1.0/", 70},
    {"http://creativecommons.org/licenses/by/4.0/", 15},
    {"http://creativecommons.org/licenses/by-nc-sa/4.0/", 4},
    {"http://creativecommons.org/licenses/by-nc-nd/4.0/", 3},
    {"http://creativecommons.org/licenses/by-sa/4.0/", 2},
    {"http://creativecommons.org/publicdomain/zero/1.0/", 2},
    {"http://creativecommons.org/licenses/by/3.0/", 2},
    {"http://creativecommons.org/licenses/by-nc-sa/3.0/", 2},
};
constexpr Weighted kLicensesOld[] = {
    {"http://arxiv.org/licenses/nonexclusive-distrib/1.0/", 40},
    {"http://arxiv.org/licenses/assumed-1991-2003/", 60},
};

struct ArchiveSpec {
  const char* name;
  double weight;
};
// Old-style (pre-April-2007) archives with their rough share of those papers.
constexpr ArchiveSpec kArchives[] = {
    {"acc-phys", 0.05}, {"adap-org", 0.1}, {"alg-geom", 0.3}, {"ao-sci", 0.02},
    {"astro-ph", 18}, {"atom-ph", 0.05}, {"bayes-an", 0.02}, {"chao-dyn", 0.5}, {"chem-ph", 0.1},
    {"cmp-lg", 0.1}, {"comp-gas", 0.05}, {"cond-mat", 18}, {"cs", 3}, {"dg-ga", 0.2},
    {"funct-an", 0.2}, {"gr-qc", 4}, {"hep-ex", 2}, {"hep-lat", 2}, {"hep-ph", 12},
    {"hep-th", 12}, {"math", 20}, {"math-ph", 2}, {"mtrl-th", 0.1}, {"nlin", 1},
    {"nucl-ex", 1}, {"nucl-th", 3}, {"patt-sol", 0.1}, {"physics", 6}, {"plasm-ph", 0.05},
    {"q-alg", 0.3}, {"q-bio", 0.5}, {"quant-ph", 6}, {"solv-int", 0.2}, {"supr-con", 0.1},
};

template <size_t N>
std::vector<Frag> MakeFrags(const char* const (&items)[N]) {
  std::vector<Frag> out;
  out.reserve(N);
  for (const char* s : items) out.push_back(MakeFrag(s));
  return out;
}

template <size_t N>
std::vector<WeightedFrag> MakeWeighted(const Weighted (&items)[N]) {
  double total = 0;
  for (const auto& w : items) total += w.weight;
  std::vector<WeightedFrag> out;
  double acc = 0;
  for (const auto& w : items) {
    acc += w.weight;
    out.push_back({MakeFrag(w.text), acc / total});
  }
  out.back().cumulative = 1.0;
  return out;
}

NamePart MakeName(const std::string& tex, const std::string& uni) {
  NamePart n;
  n.tex = MakeFrag(tex);
  n.uni = MakeFrag(uni);
  const unsigned char c = static_cast<unsigned char>(uni.empty() ? 0 : uni[0]);
  n.initial = (c >= 'A' && c <= 'Z') ? static_cast<char>(c) : 0;
  return n;
}

std::vector<std::string> ToStrings(const char* const* begin, const char* const* end) {
  return std::vector<std::string>(begin, end);
}

Pools BuildPools() {
  Pools p;
  p.words = MakeFrags(kWords);
  p.math = MakeFrags(kMath);
  p.starters = MakeFrags(kStarters);
  for (const char* s : kFirstNames) p.first_names.push_back(MakeName(s, s));
  for (const char* s : kLastNames) p.last_names.push_back(MakeName(s, s));
  // Synthetic surnames from syllables widen the name space (a fixed seed, so
  // the pool is the same for every run).
  Rng rng(0x5eed5eedULL);
  constexpr size_t kSyl = sizeof(kSyllables) / sizeof(kSyllables[0]);
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const int parts = 2 + static_cast<int>(rng.Below(2));
    for (int k = 0; k < parts; ++k) s += kSyllables[rng.Below(kSyl)];
    s[0] = static_cast<char>(s[0] - 'a' + 'A');
    p.last_names.push_back(MakeName(s, s));
  }
  for (const auto& n : kAccentedFirst) p.accented_first.push_back(MakeName(n.tex, n.uni));
  for (const auto& n : kAccentedLast) p.accented_last.push_back(MakeName(n.tex, n.uni));
  p.affiliations = MakeFrags(kAffiliations);
  p.collaborations = MakeFrags(kCollaborations);
  p.categories = MakeWeighted(kCategories);
  p.journals = MakeFrags(kJournals);
  p.report_prefixes = MakeFrags(kReportPrefixes);
  p.venues = MakeFrags(kVenues);
  p.licenses_new = MakeWeighted(kLicensesNew);
  p.licenses_old = MakeWeighted(kLicensesOld);
  p.function_words = MakeWeighted(kFunctionWords);
  for (const auto& a : kArchives) {
    Archive arc{a.name, a.weight, {}};
    const std::string n = a.name;
    if (n == "math") arc.subjects = ToStrings(std::begin(kMathSubjects), std::end(kMathSubjects));
    else if (n == "cond-mat") arc.subjects = ToStrings(std::begin(kCondMatSubjects), std::end(kCondMatSubjects));
    else if (n == "physics") arc.subjects = ToStrings(std::begin(kPhysicsSubjects), std::end(kPhysicsSubjects));
    else if (n == "cs") arc.subjects = ToStrings(std::begin(kCsSubjects), std::end(kCsSubjects));
    else if (n == "nlin") arc.subjects = ToStrings(std::begin(kNlinSubjects), std::end(kNlinSubjects));
    else if (n == "q-bio") arc.subjects = ToStrings(std::begin(kQbioSubjects), std::end(kQbioSubjects));
    p.archives.push_back(std::move(arc));
  }
  std::sort(p.archives.begin(), p.archives.end(),
            // As id strings compare: "math-ph/..." sorts before "math/...".
            [](const Archive& a, const Archive& b) { return a.name + "/" < b.name + "/"; });
  return p;
}

}  // namespace

Frag MakeFrag(const std::string& utf8) {
  Frag f;
  f.plain = utf8;
  f.ascii = JsonEscape(utf8, /*ascii_only=*/true);
  f.raw = JsonEscape(utf8, /*ascii_only=*/false);
  f.width = static_cast<uint32_t>(Utf8Length(utf8));
  return f;
}

const Frag& PickWeighted(const std::vector<WeightedFrag>& table, double u) {
  auto it = std::upper_bound(table.begin(), table.end(), u,
                             [](double v, const WeightedFrag& w) { return v < w.cumulative; });
  if (it == table.end()) --it;
  return it->frag;
}

const Pools& GetPools() {
  static const Pools pools = BuildPools();
  return pools;
}

}  // namespace arxivflow::gen
