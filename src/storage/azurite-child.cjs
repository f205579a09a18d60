// Runs Azurite's table service as a child of the bot. Azurite does not notice when the process
// that started it dies, so this wrapper exits as soon as the IPC channel to the parent closes:
// a bot killed with SIGKILL still leaves no Azurite behind.
'use strict';
process.on('disconnect', () => process.exit(0));
require(require.resolve('azurite/dist/src/table/main.js'));
