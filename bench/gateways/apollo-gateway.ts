/**
 * Stock Apollo Gateway: `@apollo/gateway` in `@apollo/server` served by `startStandaloneServer`,
 * with no tuning, as Apollo's documentation shows and the published benchmark runs it.
 */
import { readFileSync } from 'node:fs';
import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { readPeerSettings } from './peerSettings.ts';

const { host, port, supergraphPath } = readPeerSettings();
const gateway = new ApolloGateway({ supergraphSdl: readFileSync(supergraphPath, 'utf8') });
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { host, port } });
console.log(`gateway listening at ${url}`);
const stop = () => server.stop().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
