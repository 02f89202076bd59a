import nock from 'nock';

// Nothing leaves this machine: Stripe is answered by nock (or the local
// emulator in end-to-end tests); only loopback connections go through.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterEach(() => {
  nock.cleanAll();
});

// Each test file installs nock's interceptor on Node's shared http module;
// restoring it when the file ends keeps later files from a stale one.
afterAll(() => {
  nock.restore();
});
