package generate

// The word lists that names are made of. Most entries are plain ASCII; a
// sprinkling carry accents, other scripts, commas and quotes, so that the
// files exercise UTF-8 and CSV quoting.

// A city is where a zoo stands.
type city struct{ name, country string }

var cities = []city{
	{"Amsterdam", "Netherlands"}, {"Antwerp", "Belgium"}, {"Århus", "Denmark"},
	{"Αθήνα", "Ελλάδα"}, {"Auckland", "New Zealand"}, {"Barcelona", "Spain"},
	{"Basel", "Switzerland"}, {"Berlin", "Germany"}, {"Besançon", "France"},
	{"Bogotá", "Colombia"}, {"Boston", "United States"}, {"Bristol", "United Kingdom"},
	{"Brno", "Czechia"}, {"Budapest", "Hungary"}, {"Buenos Aires", "Argentina"},
	{"Cairo", "Egypt"}, {"Calgary", "Canada"}, {"Cape Town", "South Africa"},
	{"Chester", "United Kingdom"}, {"Chicago", "United States"}, {"Cincinnati", "United States"},
	{"Cluj-Napoca", "Romania"}, {"Copenhagen", "Denmark"}, {"Curitiba", "Brazil"},
	{"Dresden", "Germany"}, {"Dublin", "Ireland"}, {"Edinburgh", "United Kingdom"},
	{"Frankfurt am Main", "Germany"}, {"Gdańsk", "Poland"}, {"Göteborg", "Sweden"},
	{"Hanoi", "Vietnam"}, {"Helsinki", "Finland"}, {"Houston", "United States"},
	{"Kraków", "Poland"}, {"Köln", "Germany"}, {"Leipzig", "Germany"},
	{"Lima", "Peru"}, {"Lisbon", "Portugal"}, {"Ljubljana", "Slovenia"},
	{"London", "United Kingdom"}, {"Łódź", "Poland"}, {"Los Angeles", "United States"},
	{"Lyon", "France"}, {"Madrid", "Spain"}, {"Málaga", "Spain"},
	{"Malmö", "Sweden"}, {"Medellín", "Colombia"}, {"Melbourne", "Australia"},
	{"México", "Mexico"}, {"Milan", "Italy"}, {"Montréal", "Canada"},
	{"Mumbai", "India"}, {"München", "Germany"}, {"Nairobi", "Kenya"},
	{"Nürnberg", "Germany"}, {"Oslo", "Norway"}, {"Ōsaka", "Japan"},
	{"Paris", "France"}, {"Perth", "Australia"}, {"Plzeň", "Czechia"},
	{"Prague", "Czechia"}, {"Reykjavík", "Iceland"}, {"Rome", "Italy"},
	{"Rotterdam", "Netherlands"}, {"San Diego", "United States"}, {"Santiago", "Chile"},
	{"São Paulo", "Brazil"}, {"Seoul", "South Korea"}, {"Singapore", "Singapore"},
	{"St. Louis", "United States"}, {"Stockholm", "Sweden"}, {"Sydney", "Australia"},
	{"Taipei", "Taiwan"}, {"Tallinn", "Estonia"}, {"Toronto", "Canada"},
	{"Valencia", "Spain"}, {"Vienna", "Austria"}, {"Vilnius", "Lithuania"},
	{"Warsaw", "Poland"}, {"Wrocław", "Poland"}, {"Zagreb", "Croatia"},
	{"Zürich", "Switzerland"}, {"札幌", "日本"}, {"Lagos", "Nigeria"},
}

// zooNames turn a city into a zoo's name; "Zoo of <City>" is the most
// common, so it appears several times.
var zooNames = []string{
	"Zoo of %s", "Zoo of %s", "Zoo of %s", "Zoo of %s", "Zoo of %s",
	"%s Zoo", "%s Zoo", "%s Wildlife Park", "%s Safari Park",
	"Tierpark %s", "%s Aquarium & Zoo", "Zoo of %s, Old Town",
	`The "Little" Zoo of %s`, "%s Bird & Reptile House",
}

var givenNames = []string{
	"Abby", "Ada", "Agnes", "Akira", "Alba", "Amara", "Anouk", "Archie", "Arlo", "Åsa",
	"Asha", "Atlas", "Aurora", "Babu", "Balu", "Bea", "Bella", "Benny", "Björn", "Blossom",
	"Bruno", "Buddy", "Carla", "Chloé", "Cleo", "Coco", "Dante", "Daisy", "Dora", "Duke",
	"Elsa", "Emil", "Enzo", "Fiona", "Frida", "Gaia", "George", "Gigi", "Goliath", "Greta",
	"Hana", "Hugo", "Ida", "Igor", "Imani", "Iris", "Jabari", "Jade", "José", "Juno",
	"Kai", "Kalani", "Kenji", "Kiki", "Kofi", "Lena", "Leo", "Lola", "Luna", "Łucja",
	"Mabel", "Maya", "Milo", "Mochi", "Nala", "Nemo", "Niko", "Nina", "Noor", "Ñuño",
	"Olga", "Oscar", "Otto", "Paco", "Pearl", "Pip", "Quinn", "Rafiki", "Renée", "Rosa",
	"Ruby", "Sami", "Sasha", "Simba", "Søren", "Stella", "Suki", "Tara", "Theo", "Tilly",
	"Toby", "Uma", "Vera", "Vik", "Willow", "Xena", "Yara", "Yuki", "Zara", "Zoë",
}

// nameForms dress up a given name now and then; the plain name is the rule.
var nameForms = []string{
	"%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s",
	"%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s", "%s",
	"%s II", "%s III", "%s, the Younger", `"Big" %s`, "Little %s", "%s Jr.",
}

var species = []string{
	"African elephant", "Asian elephant", "Giraffe", "Okapi", "Plains zebra",
	"Grévy's zebra", "Przewalski's horse", "Hippopotamus", "White rhinoceros", "Lion",
	"Tiger, Sumatran", "Tiger, Amur", "Snow leopard", "Cheetah", "Jaguar",
	"Red panda", "Giant panda", "Brown bear", "Polar bear", "Sun bear",
	"Gray wolf", "Maned wolf", "Meerkat", "Capybara", "Lowland tapir",
	"Western lowland gorilla", "Bornean orangutan", "Chimpanzee", "Bonobo", "Ring-tailed lemur",
	"Emperor penguin", "Humboldt penguin", "Chilean flamingo", "Greater rhea (Ñandú)", "Emu",
	"Southern cassowary", "Bald eagle", "Andean condor", "Scarlet macaw", "Kea",
	"Komodo dragon", "Galápagos giant tortoise", "Green anaconda", "King cobra", "American alligator",
	"Axolotl", "Poison dart frog", "Koala", "Red kangaroo", "Tasmanian devil",
	"Bactrian camel", "Dromedary", "Alpaca", "Père David's deer", "Reindeer",
	"Asian small-clawed otter", "California sea lion", "Walrus", "Bottlenose dolphin", "Aardvark",
}
