/**
 * Stripe's documented test cards (https://docs.stripe.com/testing). Any other
 * number that passes the Luhn check behaves like 4242 4242 4242 4242.
 */

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'unknown';

export type ChargeOutcome =
  | { approved: true }
  | {
      approved: false;
      /** `card_declined` for the issuer's refusals; an expired card has its own code. */
      code: 'card_declined' | 'expired_card';
      declineCode: 'generic_decline' | 'insufficient_funds' | 'expired_card';
      message: string;
    };

export interface TestCard {
  brand: CardBrand;
  last4: string;
  /** What happens when the card is charged now (a one-time payment or a first invoice). */
  charge: ChargeOutcome;
  /**
   * Whether the card can be saved to a customer. 4000 0000 0000 0341 can, and
   * only fails when charged: saved from the billing portal, it lets a
   * membership's renewal fail.
   */
  attachable: boolean;
}

const DECLINED: ChargeOutcome = {
  approved: false,
  code: 'card_declined',
  declineCode: 'generic_decline',
  message: 'Your card was declined.',
};
const INSUFFICIENT_FUNDS: ChargeOutcome = {
  approved: false,
  code: 'card_declined',
  declineCode: 'insufficient_funds',
  message: 'Your card has insufficient funds.',
};
/** A saved card charged after its expiry month, as a renewal years later can be. */
export const EXPIRED_CARD: ChargeOutcome = {
  approved: false,
  code: 'expired_card',
  declineCode: 'expired_card',
  message: 'Your card has expired.',
};

const SPECIAL_CARDS: Record<string, Pick<TestCard, 'charge' | 'attachable'>> = {
  '4000000000000002': { charge: DECLINED, attachable: false },
  '4000000000009995': { charge: INSUFFICIENT_FUNDS, attachable: false },
  '4000000000000341': { charge: DECLINED, attachable: true },
};

/** Shown on the hosted page so a developer knows what to type. */
export const TEST_CARD_HINTS: ReadonlyArray<{ number: string; result: string }> = [
  { number: '4242 4242 4242 4242', result: 'succeeds' },
  { number: '4000 0000 0000 0002', result: 'is declined' },
  { number: '4000 0000 0000 9995', result: 'fails: insufficient funds' },
  { number: '4000 0000 0000 0341', result: 'can be saved, but charging it fails' },
];

/** The card number check every payment form runs before anything is sent to the network. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function cardBrand(digits: string): CardBrand {
  if (digits.startsWith('4')) return 'visa';
  if (digits.startsWith('5')) return 'mastercard';
  if (digits.startsWith('3')) return 'amex';
  return 'unknown';
}

/** `digits` must already be a Luhn-valid number. */
export function testCard(digits: string): TestCard {
  const special = SPECIAL_CARDS[digits] ?? { charge: { approved: true }, attachable: true };
  return { brand: cardBrand(digits), last4: digits.slice(-4), ...special };
}

/** A card as the hosted forms collect it; the number stays inside the emulator. */
export interface CardDetails {
  email: string;
  name: string;
  number: string;
  expMonth: number;
  expYear: number;
  postalCode: string;
}
