/**
 * Ids for seeded rows, as SQL expressions over a row's sequence number.
 * Written for speed as much as looks: a million rows call them, and building
 * base62 digits with substr() cost 10 µs an id (more than the insert itself);
 * hexadecimal and base64 come from single built-in calls.
 *
 * Stripe ids: a prefix and 24 characters, roughly in creation order, the ids
 * of one payment sharing their middle (a payment intent `pi_3Mtw…` and its
 * charge `ch_3Mtw…`). Here nine hex digits count the sequence number up from
 * a fixed base (unique within a run, and each unique index takes new ids at
 * its right edge, the cheap place), six characters are the run's tag (where
 * Stripe puts the account's part; apart from every other run's), and eight
 * vary with the number.
 *
 * UUIDs: version 4 in shape (the version digit 4, the variant 10xx), the rest
 * from multiplying the sequence number by odd constants: the first 48 bits a
 * permutation of the numbers, so ids never collide within a run, the last 62
 * shifted by the run's tag, so two runs' ids differ. Random-looking, and the
 * same from one repeatable run to the next, so two benchmark runs open the
 * same donors; about a third cheaper than gen_random_uuid().
 */

/** Where the count starts: the first digit a letter (a…), not zeros; nine hex digits hold 25 billion more. */
const CORE_BASE = 0xa_0000_0000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ROTATED = `${ALPHABET.slice(23)}${ALPHABET.slice(0, 23)}`;

/**
 * 62 bits that change in every digit from one number to the next (products
 * of the number by odd constants, shifted and exclusive-or'ed: no product
 * overflows, a shift drops what it pushes out); `offset` moves them.
 */
const mixed = (n: string, offset: string) =>
  `(((${n} * 6364136223 + ${offset}) # ((${n} * 2654435761) << 29) # ((${n} * 40503) << 47)) & 4611686018427387903)`;


/**
 * Select-list SQL giving columns `id_core` and `id_tail` for the bigint
 * sequence expression `seq`; needs the `tag_offset` binding. Computed once
 * per row in a subquery and glued to each prefix outside it (`stripeIdSql`).
 */
export function idPartsSql(seq: string): string {
  const n = `(${seq})::bigint`;
  return `to_hex(${n} + ${CORE_BASE}) as id_core,
    substr(translate(encode(int8send(${mixed(n, ':tag_offset::bigint')}), 'base64'), '+/', 'Pk'), 3, 8) as id_tail`;
}

type Kind = 'sub' | 'in' | 'pi' | 'ch' | 'cs';

/**
 * The id of `kind` from the columns `idPartsSql` made (of the row `alias`
 * when given); needs the `tag` binding. Checkout Sessions are test-mode
 * (`cs_test_`), the only kind a demo database should hold.
 */
export function stripeIdSql(kind: Kind, alias?: string): string {
  const core = alias ? `${alias}.id_core` : 'id_core';
  const tail = alias ? `${alias}.id_tail` : 'id_tail';
  switch (kind) {
    case 'cs':
      return `'cs_test_a1' || ${core} || :tag || ${tail} || translate(${tail}, '${ALPHABET}', '${ROTATED}')`;
    case 'sub':
    case 'in':
      return `'${kind}_1' || ${core} || :tag || ${tail}`;
    case 'pi':
    case 'ch':
      return `'${kind}_3' || ${core} || :tag || ${tail}`;
  }
}

/** A customer id, `cus_` and 14 characters, for donor number `n` (below 2^32, permuted); needs the `tag` binding. */
export function customerIdSql(n: string): string {
  return `'cus_' || lpad(to_hex((${n})::bigint * 2654435761 % 4294967296), 8, '0') || :tag`;
}

/**
 * A version 4 UUID for the bigint sequence expression `seq` of table number
 * `table` (so a donor and a donation numbered alike get different ids); needs
 * the `tag_offset` binding.
 */
export function uuidSql(seq: string, table: number): string {
  const n = `(${seq})::bigint`;
  // High 64 bits: 48 permuted bits, the version digit, 12 more bits. Low 64: the variant bits 10, then 62.
  const high = `(((${n} * 25214903917 + ${table * 7_919}) % 281474976710656) << 16) | ((${n} * 40503) & 4095) | 16384`;
  const low = `${mixed(n, `:tag_offset::bigint + ${table}`)} | (-9223372036854775807 - 1)`;
  return `(lpad(to_hex(${high}), 16, '0') || to_hex(${low}))::uuid`;
}

/** Table numbers for uuidSql. */
export const UUID_TABLE = { donors: 1, memberships: 2, donations: 3, receipts: 4 } as const;
