// Starts an OpenID Connect provider on 127.0.0.1:<port> that signs ID tokens (RS256) for the
// subject <subject>, and prints "issuer <url>" once it listens. Used by the operator sign-in tests.
// A line "rotate" on stdin adds a new signing key (tokens then alternate between the keys, the
// older first) and answers "rotated <kid>".
import { createInterface } from 'node:readline';
import { OAuth2Server } from 'oauth2-mock-server';

const [port, subject] = process.argv.slice(2);
const server = new OAuth2Server();
await server.issuer.keys.generate('RS256');
server.service.on('beforeTokenSigning', (token) => {
  token.payload.sub = subject;
  token.payload.email = `${subject}@example.test`;
});
await server.start(Number(port), '127.0.0.1');
// Named by address, so no client depends on how `localhost` resolves.
server.issuer.url = `http://127.0.0.1:${port}`;
console.log(`issuer ${server.issuer.url}`);

createInterface({ input: process.stdin }).on('line', async (line) => {
  if (line.trim() === 'rotate') {
    const key = await server.issuer.keys.generate('RS256');
    console.log(`rotated ${key.kid}`);
  }
});
