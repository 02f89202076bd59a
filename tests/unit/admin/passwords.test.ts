import { hashPassword, passwordProblem, verifyPassword } from '../../../src/admin/passwords';

describe('staff password hashing', () => {
  it('verifies the password it hashed and refuses any other', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await verifyPassword('', stored)).toBe(false);
  });

  it('salts every hash, so one password never gives the same hash twice', async () => {
    expect(await hashPassword('same password here')).not.toBe(await hashPassword('same password here'));
  });

  it('treats composed and decomposed accents as the same password (NFKC)', async () => {
    const stored = await hashPassword('caf\u00e9 au lait please');
    expect(await verifyPassword('cafe\u0301 au lait please', stored)).toBe(true);
  });

  it('refuses a stored value it does not recognise instead of throwing', async () => {
    expect(await verifyPassword('anything at all', 'md5$abc')).toBe(false);
    expect(await verifyPassword('anything at all', '')).toBe(false);
  });

  it('asks for 12 to 200 characters', () => {
    expect(passwordProblem('elevenchars')).toBe('must be at least 12 characters');
    expect(passwordProblem('twelve chars')).toBeNull();
    expect(passwordProblem('x'.repeat(201))).toBe('must be at most 200 characters');
  });
});
