import nock from 'nock';

// Nothing leaves this machine: Stripe is answered by nock (or the local
// emulator in end-to-end tests); only loopback connections go through.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterEach(() => {
  nock.cleanAll();
});
