import { load } from "@hybridws/websocket";
import { install } from "./echo.js";

install(load);
