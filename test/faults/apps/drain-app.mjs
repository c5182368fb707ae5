// Does nothing: started under the register hook with the spool directory of a run that ended badly, it
// shows what the next process of the same service delivers of what that run left behind.
