// Service worker entry. Every listener is registered synchronously here, at
// the top level, so the browser can wake the worker for any of them; events
// wait in the core's queue until the wasm module is ready.
import { registerListeners } from './background/events.js';
import { handleMessage } from './background/messages.js';
import { start, submit } from './background/core.js';

registerListeners(submit);
chrome.runtime.onMessage.addListener(handleMessage);
start();
