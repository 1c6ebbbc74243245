using Gateway.Replay;

return await ReplayApp.Build(args).RunGatewayAsync();
