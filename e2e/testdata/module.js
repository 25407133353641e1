import { load } from "./websocket.js";
import { install } from "./echo.js";

install(load);
