import { render } from "preact";
render(<p>Lifeguard</p>, document.getElementById("app")!);
