#!/usr/bin/env node
/** `node dist/tui/bin.js ADDR...`: the dashboard without the tidepool CLI around it. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
