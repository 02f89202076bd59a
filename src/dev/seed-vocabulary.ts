/**
 * The words demo data is made of: names, places, headlines, what donors
 * write. Plain lists, so the seeding SQL picks from them by index. Email
 * addresses use the domains reserved for examples (RFC 2606), so a demo
 * database that meets a real SMTP server still writes to nobody.
 */

export const FIRST_NAMES = [
  'Mary', 'James', 'Patricia', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William',
  'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Karen', 'Charles', 'Sarah', 'Daniel',
  'Nancy', 'Matthew', 'Lisa', 'Anthony', 'Margaret', 'Mark', 'Sandra', 'Donald', 'Ashley', 'Steven',
  'Emily', 'Paul', 'Donna', 'Andrew', 'Michelle', 'Joshua', 'Carol', 'Kevin', 'Amanda', 'Brian',
  'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Jason', 'Laura', 'Edward',
  'Helen', 'Jeffrey', 'Sharon', 'Ryan', 'Cynthia', 'Jacob', 'Kathleen', 'Gary', 'Amy', 'Nicholas',
  'Aisha', 'Wei', 'José', 'Zoë', 'Priya', 'Omar', 'Mei', 'Kwame', 'Ingrid', 'Luis',
  'Fatima', 'Hiroshi', 'Ana', 'Dmitri', 'Nia', 'Carlos', 'Leila', 'Tariq', 'Sofía', 'Andre',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Kowalski', 'Schmidt', 'Okafor', 'Patel', 'Kim', 'Chen', 'Haddad', 'Novak', 'Yamamoto', 'Mensah',
  "O'Brien", 'Sullivan', 'Murphy', 'Goldsmith', 'Smithson', 'Byrne', 'Fischer', 'Jansen', 'Rossi', 'Diallo',
];

/** Weighted: most mail lands at a few big providers, here stood in for by example domains. */
export const EMAIL_DOMAINS = [
  ['example.com', 40], ['example.org', 18], ['example.net', 18], ['mail.example.com', 10],
  ['post.example.org', 6], ['inbox.example.net', 5], ['alumni.example.edu', 3],
] as const satisfies readonly (readonly [string, number])[];

export const STREETS = [
  'Main', 'Oak', 'High', 'Maple', 'Church', 'Elm', 'Washington', 'Park', 'Walnut', 'Lincoln',
  'Broad', 'Sycamore', 'River', 'Hickory', 'Spring', 'Mill', 'College', 'Chestnut', 'Cherry', 'Lake',
  'Jefferson', 'Center', 'Ridge', 'Locust', 'Poplar', 'Franklin', 'Meadow', 'Cedar', 'Summit', 'Highland',
];
export const STREET_KINDS = ['Street', 'Avenue', 'Road', 'Drive', 'Lane', 'Court', 'Place', 'Boulevard'];

/** A regional newsroom's readers: mostly in its own state, some who moved away and kept reading. Weighted. */
export const TOWNS = [
  ['Columbus', 'OH', '432', 30], ['Dayton', 'OH', '454', 12], ['Cincinnati', 'OH', '452', 12], ['Cleveland', 'OH', '441', 10],
  ['Akron', 'OH', '443', 6], ['Toledo', 'OH', '436', 5], ['Athens', 'OH', '457', 4], ['Yellow Springs', 'OH', '453', 3],
  ['Worthington', 'OH', '430', 4], ['Chicago', 'IL', '606', 3], ['Brooklyn', 'NY', '112', 3], ['Pittsburgh', 'PA', '152', 2],
  ['Seattle', 'WA', '981', 1], ['Austin', 'TX', '787', 1], ['Denver', 'CO', '802', 1],
] as const satisfies readonly (readonly [string, string, string, number])[];

/** Stories a local newsroom publishes, which readers give from the end of. Spread over the two years, one every few weeks. */
export const HEADLINES = [
  'How the housing authority lost track of 400 units',
  'City council approves budget after all-night session',
  'Inside the fight over the county water plan',
  'School board candidates answer your questions',
  'Hospital merger: what changes for patients',
  'The river cleanup, five years on',
  'Police overtime doubled. Nobody asked why.',
  'Meet the volunteers keeping the library open',
  'Transit cuts hit night-shift workers hardest',
  'The landlord behind 1,200 code violations',
  'Why the new jail costs twice the estimate',
  'Lead pipes: is your street on the list?',
  "A farm family's last harvest",
  "The superintendent's contract, explained",
  'Where the opioid settlement money is going',
  "Inside the sheriff's trial: closing arguments",
  'The bus route that takes two hours to go six miles',
  "Rent is up 30 percent. Wages aren't.",
  "After the flood: who got help and who didn't",
  'Our investigation into nursing home staffing',
  'The last independent pharmacy on Main Street',
  'How a zoning change could reshape downtown',
  'State cuts leave rural clinics scrambling',
  'Five things to know about the new property assessments',
  "A teacher's 30 years in the same classroom",
  "The county's 911 system keeps failing. Here's why.",
  'Data center deal: big tax breaks, few jobs',
  'Who is buying up the mobile home parks?',
  'The high school that stopped suspending students',
  "Behind the mayor's pick for police chief",
  'Your guide to the November ballot',
  'Inside the emergency room on a Saturday night',
  'What happened to the $4 million for broadband?',
  'Eviction filings hit a ten-year high',
  'The fight to save the old train depot',
  'Restaurants we lost this year, and the ones that opened',
  'How we reported on the water crisis',
  'The commissioners met in private. We asked why.',
  'A fire chief, a budget gap and a closed station',
  'The quiet decline of the county bus system',
  "Inside the state's failing child care subsidy",
  'Who pays when the dam needs fixing?',
  'Election results and what they mean for the county',
  'The refugee family that rebuilt a corner store',
];

/** What donors write in the comment box, now and then. */
export const GIFT_COMMENTS = [
  'Keep up the good work!',
  'Thank you for the school board coverage.',
  'The only place I get real local news.',
  'For the reporters who sit through every council meeting.',
  'Matching my employer gift.',
  'Grateful for the flood coverage.',
  'In place of a subscription to the paper I grew up with.',
  'Please keep covering the county commission.',
  'My parents read you every morning.',
  'Small, but every month I can.',
];

/** Why members leave, in their words (the account page's optional comment). */
export const CANCELLATION_COMMENTS = [
  'Moving out of state.',
  'Money is tight this year; I will be back.',
  'I will give once at year end instead.',
  'Switching to my spouse\u2019s membership.',
  'Lost my job.',
  'Too many subscriptions right now.',
];

/** The account page's cancellation feedback codes (Stripe's), weighted as members pick them. */
export const CANCELLATION_FEEDBACK = [
  ['too_expensive', 35], ['unused', 25], ['other', 15], ['low_quality', 10], ['switched_service', 8], ['missing_features', 4], ['customer_service', 3],
] as const satisfies readonly (readonly [string, number])[];

/**
 * Where readers come from, weighted: the referrer the browser reports and the
 * UTM tags on the link they followed. `null` is a blank column.
 */
export const CHANNELS = [
  // [utm_source, utm_medium, utm_campaign, referrer, weight]
  [null, null, null, null, 28],
  [null, null, null, 'https://www.google.com/', 18],
  ['newsletter', 'email', 'morning-briefing', null, 15],
  [null, null, null, 'https://news.example.org/', 10],
  ['facebook', 'social', null, 'https://m.facebook.com/', 9],
  ['instagram', 'social', null, 'https://l.instagram.com/', 4],
  [null, null, null, 'https://bsky.app/', 4],
  [null, null, null, 'https://t.co/', 3],
  ['apple_news', 'referral', null, null, 2],
  [null, null, null, 'https://www.reddit.com/', 2],
  [null, null, null, 'https://www.bing.com/', 2],
] as const satisfies readonly (readonly [string | null, string | null, string | null, string | null, number])[];

/** Monthly and yearly membership amounts (minor units), weighted: most members pick a round, modest figure. */
export const MONTHLY_AMOUNTS = [
  [500, 12], [1000, 38], [1500, 12], [2000, 14], [2500, 14], [5000, 8], [10000, 2],
] as const satisfies readonly (readonly [number, number])[];
export const YEARLY_AMOUNTS = [
  [5000, 18], [10000, 34], [12000, 20], [25000, 16], [50000, 9], [100000, 3],
] as const satisfies readonly (readonly [number, number])[];

/** The newsroom's site, where its stories live (the embed's article URLs). */
export const NEWSROOM_SITE = 'https://news.example.org';
