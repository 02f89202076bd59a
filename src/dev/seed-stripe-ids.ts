/**
 * Ids for seeded rows, as SQL expressions over a row's sequence number.
 *
 * Stripe ids: a prefix and base62 characters, roughly in creation order (the
 * characters after the prefix grow with time), the ids of one payment sharing
 * their middle (a payment intent `pi_3Mtw…` and its charge `ch_3Mtw…`). Here
 * six characters count the sequence number up from a fixed base, nine are the
 * run's tag (where Stripe puts the account's part) and eight vary with the
 * number and the tag: unique within a run by the count, apart from every other
 * run by the tag. Counting up also means each unique index takes new ids at
 * its right edge, the cheap place, while a million rows load.
 *
 * UUIDs: version 4 in shape (the version nibble 4, the variant 10xx), the
 * rest from multiplying the sequence number by odd constants modulo powers of
 * two, which permutes them: random-looking, unique within a run, and the same
 * from one repeatable run to the next, so two benchmark runs open the same
 * donors. `gen_random_uuid()` costs about 1.7 µs a call here, this under 0.5.
 */

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CORE_WIDTH = 6;
const TAIL_WIDTH = 8;
/** Where the count starts: ids begin with a letter, as Stripe's do ("Mtw…"), not with zeros. */
const CORE_BASE = 20n * 62n ** 5n;
const TAIL_MULTIPLIER = 1_000_000_007n;

/** Sequence numbers must stay below this for Stripe ids to stay unique (about 40 billion). */
export const MAX_ID_SEQUENCE = 62n ** BigInt(CORE_WIDTH) - CORE_BASE;

function base62(value: string, width: number): string {
  const digits: string[] = [];
  for (let place = width - 1; place >= 0; place -= 1) {
    digits.push(`substr('${ALPHABET}', (${value} / ${62n ** BigInt(place)} % 62)::int + 1, 1)`);
  }
  return digits.join(' || ');
}

/**
 * Select-list SQL giving columns `id_core` and `id_tail` for the bigint
 * sequence expression `seq`; needs the `tag_offset` binding. Computed once
 * per row in a subquery and glued to each prefix outside it (`stripeIdSql`).
 */
export function idPartsSql(seq: string): string {
  const core = `((${seq})::bigint + ${CORE_BASE})`;
  const tail = `((${seq})::bigint * ${TAIL_MULTIPLIER} + :tag_offset::bigint) % ${62n ** BigInt(TAIL_WIDTH)}`;
  return `${base62(core, CORE_WIDTH)} as id_core, ${base62(tail, TAIL_WIDTH)} as id_tail`;
}

type Kind = 'cus' | 'sub' | 'in' | 'pi' | 'ch' | 'cs';

/**
 * The id of `kind` from the columns `idPartsSql` made (of the row `alias`
 * when given); needs the `tag` binding. Customers are 14 characters after the
 * prefix, as Stripe's are; Checkout Sessions are test-mode (`cs_test_`), the
 * only kind a demo database should hold.
 */
export function stripeIdSql(kind: Kind, alias?: string): string {
  const core = alias ? `${alias}.id_core` : 'id_core';
  const tail = alias ? `${alias}.id_tail` : 'id_tail';
  switch (kind) {
    case 'cus':
      return `'cus_' || ${core} || ${tail}`;
    case 'cs':
      return `'cs_test_a1' || ${core} || :tag || ${tail} || reverse(${tail})`;
    case 'sub':
    case 'in':
      return `'${kind}_1' || ${core} || :tag || ${tail}`;
    case 'pi':
    case 'ch':
      return `'${kind}_3' || ${core} || :tag || ${tail}`;
  }
}

const hex = (value: string, width: number) => `lpad(to_hex(${value}), ${width}, '0')`;
/** 2^48 and 2^60: the first twelve and the last fifteen hex digits. */
const HIGH = 2n ** 48n;
const LOW = 2n ** 60n;

/**
 * A version 4 UUID for the bigint sequence expression `seq` of table number
 * `table` (so a donor and a donation numbered alike get different ids); needs
 * the `tag_offset` binding. The first 48 bits are a permutation of the
 * number, so ids within a run never collide; the last 60 add the tag, so two
 * runs' ids for one number differ.
 */
export function uuidSql(seq: string, table: number): string {
  const n = `(${seq})::bigint`;
  return `(${hex(`(${n} * 25214903917 + ${table * 7_919_123}) % ${HIGH}`, 12)} || '4' || ${hex(`(${n} * 2654435761 + ${table}) % 4096`, 3)}
    || substr('89ab', ((${n} * 40503 + ${table}) % 4)::int + 1, 1) || ${hex(`(${n} * 6364136223 + :tag_offset::bigint + ${table}) % ${LOW}`, 15)})::uuid`;
}

/** Table numbers for uuidSql. */
export const UUID_TABLE = { donors: 1, memberships: 2, donations: 3, receipts: 4 } as const;
