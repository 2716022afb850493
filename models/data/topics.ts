/** The 46 Reuters topics in the order keras.datasets.reuters numbers its labels. */
export const REUTERS_TOPICS: readonly string[] = [
  'cocoa',
  'grain',
  'veg-oil',
  'earn',
  'acq',
  'wheat',
  'copper',
  'housing',
  'money-supply',
  'coffee',
  'sugar',
  'trade',
  'reserves',
  'ship',
  'cotton',
  'carcass',
  'crude',
  'nat-gas',
  'cpi',
  'money-fx',
  'interest',
  'gnp',
  'meal-feed',
  'alum',
  'oilseed',
  'gold',
  'tin',
  'strategic-metal',
  'livestock',
  'retail',
  'ipi',
  'iron-steel',
  'rubber',
  'heat',
  'jobs',
  'lei',
  'bop',
  'zinc',
  'orange',
  'pet-chem',
  'dlr',
  'gas',
  'silver',
  'wpi',
  'hog',
  'lead',
];

/**
 * Documents per topic in the Reuters-46 training split (np.bincount(y_train)): earn and acq
 * dominate, most topics have a few dozen. The synthetic corpus draws topics with these weights.
 */
export const REUTERS_TRAIN_COUNTS: readonly number[] = [
  55, 432, 74, 3159, 1949, 17, 48, 16, 139, 101, 124, 390, 49, 172, 26, 20, 444, 39, 66, 549, 269, 100, 15, 41, 62, 92, 24, 15, 48, 19, 45, 39, 32, 11, 50, 10,
  49, 19, 19, 24, 36, 30, 13, 21, 12, 18,
];

/**
 * Topics that share vocabulary in real newswire (wheat stories talk about grain, dlr stories
 * about money-fx): some of a document's topical words come from a sibling, which is what makes
 * the task hard in the same places the real one is.
 */
export const TOPIC_FAMILIES: readonly (readonly string[])[] = [
  ['earn', 'acq'],
  ['grain', 'wheat', 'meal-feed', 'oilseed', 'veg-oil'],
  ['cocoa', 'coffee', 'sugar', 'cotton', 'rubber', 'orange'],
  ['copper', 'alum', 'tin', 'strategic-metal', 'iron-steel', 'zinc', 'lead'],
  ['gold', 'silver'],
  ['housing', 'cpi', 'gnp', 'ipi', 'jobs', 'lei', 'retail', 'wpi'],
  ['trade', 'bop', 'ship'],
  ['money-supply', 'reserves', 'money-fx', 'interest', 'dlr'],
  ['crude', 'nat-gas', 'heat', 'gas', 'pet-chem'],
  ['carcass', 'livestock', 'hog'],
];

/** Hand-picked newswire words per topic (single tokens: Keras' filters would split hyphens). */
export const TOPIC_KEYWORDS: Readonly<Record<string, readonly string[]>> = {
  cocoa: ['cocoa', 'icco', 'buffer', 'stock', 'beans', 'ivory', 'coast', 'ghana', 'grindings', 'butter', 'arrivals', 'crop'],
  grain: ['grain', 'tonnes', 'corn', 'usda', 'crop', 'harvest', 'maize', 'sorghum', 'barley', 'bushels', 'export', 'enhancement'],
  'veg-oil': ['oil', 'palm', 'vegetable', 'soyoil', 'rapeseed', 'sunflowerseed', 'olive', 'coconut', 'malaysia', 'refined', 'crude', 'edible'],
  earn: ['shr', 'net', 'cts', 'qtr', 'revs', 'profit', 'dividend', 'quarterly', 'earnings', 'mths', 'oper', 'payout', 'record', 'prior', 'avg', 'shrs'],
  acq: [
    'acquire',
    'acquisition',
    'merger',
    'stake',
    'tender',
    'offer',
    'takeover',
    'bid',
    'subsidiary',
    'unit',
    'buy',
    'sell',
    'agreed',
    'holders',
    'outstanding',
    'sec',
  ],
  wheat: ['wheat', 'winter', 'soft', 'durum', 'bonus', 'eep', 'soviet', 'tonnes', 'export', 'subsidy', 'flour', 'hard'],
  copper: ['copper', 'smelter', 'cathode', 'mine', 'refinery', 'comex', 'codelco', 'chile', 'zambia', 'wire', 'rod', 'concentrate'],
  housing: ['housing', 'starts', 'homes', 'permits', 'construction', 'units', 'single', 'family', 'mortgage', 'residential', 'builders', 'sales'],
  'money-supply': ['m1', 'm2', 'm3', 'money', 'supply', 'deposits', 'fed', 'week', 'seasonally', 'adjusted', 'aggregates', 'reserves'],
  coffee: ['coffee', 'ico', 'quotas', 'brazil', 'colombia', 'bags', 'arabica', 'robusta', 'ibc', 'producers', 'export', 'quota'],
  sugar: ['sugar', 'cane', 'beet', 'raw', 'white', 'tonnes', 'isa', 'refined', 'molasses', 'cuba', 'tender', 'crop'],
  trade: ['trade', 'deficit', 'surplus', 'tariffs', 'imports', 'exports', 'japan', 'protectionism', 'gatt', 'semiconductors', 'retaliation', 'sanctions'],
  reserves: ['reserves', 'foreign', 'exchange', 'gold', 'holdings', 'central', 'bank', 'fell', 'rose', 'end', 'month', 'currency'],
  ship: ['ship', 'vessels', 'port', 'shipping', 'tanker', 'gulf', 'strike', 'cargo', 'freight', 'seamen', 'dock', 'canal'],
  cotton: ['cotton', 'bales', 'textile', 'lint', 'plantings', 'acreage', 'mill', 'spinners', 'pakistan', 'egypt', 'staple', 'ginned'],
  carcass: ['beef', 'meat', 'carcass', 'pork', 'poultry', 'slaughter', 'inspection', 'packers', 'cuts', 'chilled', 'frozen', 'veal'],
  crude: ['crude', 'oil', 'opec', 'barrels', 'bpd', 'petroleum', 'output', 'saudi', 'posted', 'refinery', 'brent', 'drilling'],
  'nat-gas': ['gas', 'natural', 'pipeline', 'cubic', 'feet', 'reserves', 'field', 'lng', 'utility', 'transmission', 'wells', 'offshore'],
  cpi: ['consumer', 'prices', 'inflation', 'index', 'cpi', 'rose', 'annual', 'rate', 'living', 'cost', 'food', 'energy'],
  'money-fx': ['dollar', 'yen', 'currency', 'intervention', 'exchange', 'mark', 'dealers', 'louvre', 'stabilize', 'sterling', 'central', 'market'],
  interest: ['rate', 'rates', 'prime', 'discount', 'cut', 'lending', 'points', 'basis', 'percentage', 'banks', 'fed', 'raise'],
  gnp: ['gnp', 'gdp', 'growth', 'economy', 'economic', 'forecast', 'real', 'output', 'domestic', 'product', 'recession', 'expansion'],
  'meal-feed': ['meal', 'feed', 'soymeal', 'pellets', 'fishmeal', 'feedgrains', 'animal', 'protein', 'corngluten', 'rations', 'tonnes', 'exporters'],
  alum: ['aluminium', 'aluminum', 'alumina', 'smelter', 'bauxite', 'alcoa', 'alcan', 'ingot', 'potline', 'lme', 'metal', 'capacity'],
  oilseed: ['soybean', 'soybeans', 'oilseed', 'rapeseed', 'sunflower', 'canola', 'crush', 'acres', 'plantings', 'argentina', 'loan', 'marketing'],
  gold: ['gold', 'ounces', 'ounce', 'mine', 'bullion', 'ore', 'grade', 'drilling', 'exploration', 'troy', 'mining', 'reserves'],
  tin: ['tin', 'itc', 'council', 'buffer', 'atpc', 'bolivia', 'malaysian', 'smuggling', 'kuala', 'lumpur', 'restructuring', 'creditors'],
  'strategic-metal': [
    'cobalt',
    'uranium',
    'platinum',
    'palladium',
    'tungsten',
    'chromium',
    'molybdenum',
    'stockpile',
    'strategic',
    'titanium',
    'vanadium',
    'defense',
  ],
  livestock: ['cattle', 'livestock', 'herd', 'calves', 'feeder', 'head', 'disease', 'ranchers', 'grazing', 'dairy', 'sheep', 'lambs'],
  retail: ['retail', 'sales', 'stores', 'department', 'consumer', 'spending', 'chain', 'merchandise', 'apparel', 'christmas', 'shoppers', 'volume'],
  ipi: ['industrial', 'production', 'output', 'manufacturing', 'factory', 'utilization', 'capacity', 'index', 'mining', 'utilities', 'orders', 'durable'],
  'iron-steel': ['steel', 'iron', 'usx', 'mills', 'ore', 'tonnage', 'shipments', 'pig', 'rolled', 'plate', 'sheet', 'integrated'],
  rubber: ['rubber', 'inra', 'natural', 'latex', 'tyre', 'tire', 'elastomer', 'unctad', 'pact', 'prices', 'stock', 'thailand'],
  heat: ['heating', 'oil', 'distillate', 'gallon', 'heat', 'fuel', 'nymex', 'harbor', 'barge', 'winter', 'inventories', 'cents'],
  jobs: ['unemployment', 'jobless', 'jobs', 'employment', 'workers', 'labor', 'payrolls', 'hiring', 'layoffs', 'workforce', 'unemployed', 'claims'],
  lei: ['leading', 'indicators', 'index', 'composite', 'commerce', 'department', 'outlook', 'indicator', 'revised', 'components', 'signal', 'downturn'],
  bop: ['current', 'account', 'payments', 'balance', 'deficit', 'surplus', 'invisibles', 'capital', 'inflows', 'outflows', 'external', 'debt'],
  zinc: ['zinc', 'smelter', 'galvanizing', 'cominco', 'concentrates', 'lme', 'mine', 'refinery', 'producer', 'slab', 'premium', 'stocks'],
  orange: ['orange', 'juice', 'frozen', 'concentrated', 'fcoj', 'florida', 'citrus', 'groves', 'freeze', 'gallons', 'brazilian', 'tariff'],
  'pet-chem': [
    'ethylene',
    'petrochemical',
    'chemicals',
    'plastics',
    'polyethylene',
    'polypropylene',
    'benzene',
    'styrene',
    'plant',
    'resins',
    'feedstock',
    'cracker',
  ],
  dlr: ['dollar', 'dlr', 'yen', 'marks', 'currencies', 'weaker', 'firmer', 'trading', 'baker', 'paris', 'accord', 'fell'],
  gas: ['gasoline', 'unleaded', 'octane', 'pump', 'motorists', 'leaded', 'refiners', 'stocks', 'api', 'demand', 'gallon', 'retail'],
  silver: ['silver', 'ounces', 'bullion', 'coins', 'mint', 'comex', 'hunt', 'mine', 'sunshine', 'troy', 'precious', 'metals'],
  wpi: ['wholesale', 'prices', 'producer', 'index', 'wpi', 'ppi', 'finished', 'goods', 'crude', 'materials', 'monthly', 'inflation'],
  hog: ['hog', 'hogs', 'pork', 'bellies', 'pigs', 'sows', 'farrowing', 'barrows', 'gilts', 'lean', 'slaughter', 'cme'],
  lead: ['lead', 'battery', 'smelter', 'asarco', 'doe', 'run', 'concentrates', 'lme', 'refined', 'antimony', 'bunker', 'recycling'],
};

/**
 * Frequent newswire words in roughly Reuters' own order ("the" is rank 1 there too): the shared
 * filler every topic draws from, before the synthetic long tail.
 */
export const FILLER_WORDS: readonly string[] = (
  'the of to in said and a mln 3 for vs dlrs it reuter 000 1 pct on from is that its cts by at year be with will was ' +
  'billion he u s net has would an as 5 not loss 4 1986 company which but this 2 are have had were last 8 or also ' +
  'up 10 6 new 7 one 9 been they two more about market other first than after 15 sales shares 1987 per share ' +
  'week could three we may there over 20 month into tonnes i inc government so quarter 30 no expected some all 50 ' +
  'prices group 12 corp march 25 told can income total new year up under price 11 february 31 13 against added ' +
  'april officials spokesman because while 16 since 14 official end statement between early current further 18 ' +
  'only said today january week 17 any major 19 due next most 1985 days 40 sources world analysts did recent 24 ' +
  'this time while 100 however high announced during ltd since agreement report 22 plan 21 both 23 well 27 before ' +
  'told estimated make period such level 26 if last 28 increase compared 29 now production fell 60 less rose ' +
  'results help higher expects 75 told former program states national meeting 80 around 90 several system among'
)
  .split(' ')
  .filter((word, i, all) => all.indexOf(word) === i);
